{#- A 64-bit floating-point type for KPI numerators, denominators and values.
    dbt.type_float() is 64-bit on PostgreSQL, Redshift, Snowflake and BigQuery
    but a 4-byte REAL on DuckDB and Spark (`float`), which loses cents on sums
    of money above ~100,000; those two get `double`. -#}
{% macro kpi_type_double() -%}
    {{ return(adapter.dispatch('kpi_type_double', 'ecommerce_kpi')()) }}
{%- endmacro %}

{% macro default__kpi_type_double() -%}
    {{ return(dbt.type_float()) }}
{%- endmacro %}

{% macro duckdb__kpi_type_double() -%}
    {{ return('double') }}
{%- endmacro %}

{% macro spark__kpi_type_double() -%}
    {{ return('double') }}
{%- endmacro %}
