{#- A jinja value as an SQL literal that cannot change the statement around it:
    null, true / false, a number as written, text in single quotes with every
    quote escaped (doubled; on Spark, whose literals read backslash escapes,
    backslash-escaped). Lists and mappings have no literal: an error. -#}
{% macro sql_literal(value) -%}
    {{ return(adapter.dispatch('sql_literal', 'ecommerce_kpi')(value)) }}
{%- endmacro %}

{% macro default__sql_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- elif value is string -%}
        '{{ value | replace("'", "''") }}'
    {%- else -%}
        {{ exceptions.raise_compiler_error("sql_literal: no SQL literal for " ~ (value | string) ~ " (a list or mapping)") }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__sql_literal(value) -%}
    {%- if value is string -%}
        '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- else -%}
        {{ default__sql_literal(value) }}
    {%- endif -%}
{%- endmacro %}
