{#- The relation a generic data test reads (dbt calls this for every generic
    test): the test's own `where` config as dbt does it, and, on a daily run
    (tests_scope 'rebuilt': KPI_TESTS_SCOPE=rebuilt, set by the pipeline's
    --incremental and the benchmark's incremental day), only the rows of an incremental model
    that every daily run rebuilds: those dated in its lookback window (the
    newest day it holds minus incremental_lookback_days, the window
    incremental_window_start gives the build). The model names its date column
    in config meta `rebuilt_rows_date_column`. A full refresh, and `make test`,
    test every row. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set rebuilt_filter = rebuilt_rows_filter(relation) -%}
    {%- set filters = [where, rebuilt_filter] | select | list -%}
    {%- if filters -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ filters | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
