{#- The lookback-window predicate of an incremental model's rebuilt rows on a
    daily run, else '' (every row). -#}
{% macro rebuilt_rows_filter(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or tests_scope() != 'rebuilt' -%}
        {{ return('') }}
    {%- endif -%}
    {#- one lookup by unique id, not a loop over the graph: this runs for every
        generic test of the run (a model's relation is named after it; a model
        with an alias is not found, and its tests read every row) -#}
    {%- set identifier = relation.identifier | default('', true) | lower -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ identifier) -%}
    {%- if node and (node.alias or node.name) | lower == identifier
        and node.config.materialized == 'incremental' -%}
        {%- set column = node.config.meta.get('rebuilt_rows_date_column') -%}
        {%- if not column -%}
            {{ exceptions.raise_compiler_error(
                "Incremental model " ~ node.name ~ " has no config meta rebuilt_rows_date_column: "
                ~ "the date column its daily-run tests are limited to (macros/incremental/rebuilt_rows_filter.sql)"
            ) }}
        {%- endif -%}
        {%- set lookback_days = setting_value('incremental_lookback_days') -%}
        {{ return(column ~ ' >= ' ~ dbt.dateadd(
            'day', -lookback_days, '(select max(' ~ column ~ ') from ' ~ relation ~ ')'
        )) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
