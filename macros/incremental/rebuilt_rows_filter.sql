{#- The lookback-window predicate of an incremental model's rebuilt rows on a
    daily run, else '' (every row). -#}
{% macro rebuilt_rows_filter(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or tests_scope() != 'rebuilt' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set identifier = relation.identifier | default('', true) | lower -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model'
            and (node.alias or node.name) | lower == identifier
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
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}
