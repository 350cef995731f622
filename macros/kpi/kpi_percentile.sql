{#- The continuous percentile (linear interpolation) of a column within each
    group, as an ordered-set aggregate. Dispatched: DuckDB, PostgreSQL and Spark
    3.3+ all take `percentile_cont(p) within group (order by x)`; an adapter
    without it gets its own version here. -#}
{% macro kpi_percentile(column_name, fraction) -%}
    {{ return(adapter.dispatch('kpi_percentile', 'ecommerce_kpi')(column_name, fraction)) }}
{%- endmacro %}

{% macro default__kpi_percentile(column_name, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ column_name }})
{%- endmacro %}
