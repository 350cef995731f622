{#- Write exactly the schema a folder asks for (staging, intermediate, marts)
    instead of dbt's default <target_schema>_<custom_schema>: the warehouse has a
    fixed, documented set of schemas that BI users and the loader rely on. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
