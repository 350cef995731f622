{#- An ISO 8601 part of a date: 'isodow' (1 = Monday .. 7 = Sunday), 'week' (the
    ISO week number) or 'isoyear' (the year the ISO week belongs to). DuckDB and
    PostgreSQL take these names in extract(); Spark names them dayofweek_iso and
    yearofweek (its week is ISO already). -#}
{% macro iso_date_part(part, date_expression) -%}
    {{ return(adapter.dispatch('iso_date_part', 'ecommerce_kpi')(part, date_expression)) }}
{%- endmacro %}

{% macro default__iso_date_part(part, date_expression) -%}
    extract({{ part }} from {{ date_expression }})
{%- endmacro %}

{% macro spark__iso_date_part(part, date_expression) -%}
    {%- set spark_names = {'isodow': 'dayofweek_iso', 'week': 'week', 'isoyear': 'yearofweek'} -%}
    extract({{ spark_names[part] }} from {{ date_expression }})
{%- endmacro %}
