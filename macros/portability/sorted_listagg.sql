{#- The values of a text column in one group, sorted and joined with a
    delimiter: dbt.listagg with an order by on DuckDB and PostgreSQL; Spark's
    listagg ignores the order (with a warning), so there the collected list is
    sorted first. -#}
{% macro sorted_listagg(column_text, delimiter_text) -%}
    {{ return(adapter.dispatch('sorted_listagg', 'ecommerce_kpi')(column_text, delimiter_text)) }}
{%- endmacro %}

{% macro default__sorted_listagg(column_text, delimiter_text) -%}
    {{ dbt.listagg(column_text, delimiter_text, 'order by ' ~ column_text) }}
{%- endmacro %}

{% macro spark__sorted_listagg(column_text, delimiter_text) -%}
    array_join(array_sort(collect_list({{ column_text }})), {{ delimiter_text }})
{%- endmacro %}
