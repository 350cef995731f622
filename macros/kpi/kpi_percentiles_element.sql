{#- Element `position` (0 for the first) of an array from kpi_percentiles:
    DuckDB and PostgreSQL count from 1, Spark from 0. -#}
{% macro kpi_percentiles_element(array_expression, position) -%}
    {{ return(adapter.dispatch('kpi_percentiles_element', 'ecommerce_kpi')(array_expression, position)) }}
{%- endmacro %}

{% macro default__kpi_percentiles_element(array_expression, position) -%}
    ({{ array_expression }})[{{ position + 1 }}]
{%- endmacro %}

{% macro spark__kpi_percentiles_element(array_expression, position) -%}
    ({{ array_expression }})[{{ position }}]
{%- endmacro %}
