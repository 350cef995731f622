{#- The 64-bit floating-point type KPI numerators, denominators and values are
    stored in. dbt.type_float() is not it: on DuckDB it renders `float`, a
    32-bit REAL (7 significant digits: 2746.3 becomes 2746.300048828125 and money
    sums lose cents). Dispatched for engines that spell it differently. -#}
{% macro kpi_type_double() -%}
    {{ return(adapter.dispatch('kpi_type_double', 'ecommerce_kpi')()) }}
{%- endmacro %}

{% macro default__kpi_type_double() -%}
    double precision
{%- endmacro %}

{% macro bigquery__kpi_type_double() -%}
    float64
{%- endmacro %}

{% macro spark__kpi_type_double() -%}
    double
{%- endmacro %}
