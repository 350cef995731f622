{#- A setting (dbt var `name`) as an SQL literal: the value checked by
    setting_value and rendered by sql_literal (text quoted and escaped, numbers
    as numbers, null as null; a date setting as cast('YYYY-MM-DD' as date)).
    The only way a setting reaches SQL: scripts/check_project.py fails on
    var() anywhere outside macros/settings/. -#}
{% macro setting(name) -%}
    {%- set value = setting_value(name) -%}
    {%- if settings_spec()[name]['kind'] == 'date' and value is not none -%}
        cast({{ sql_literal(value) }} as date)
    {%- else -%}
        {{ sql_literal(value) }}
    {%- endif -%}
{%- endmacro %}
