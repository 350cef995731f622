{#- Post-hook of every table model: refresh the planner statistics of the table
    just built. PostgreSQL plans the next model's joins from them, and a table
    dbt has just created has none until autovacuum gets to it: without them the
    KPI models' self-joins are planned as nested loops over hundreds of
    thousands of rows (minutes instead of seconds). Other engines need nothing. -#}
{% macro analyze_relation(relation) -%}
    {{ return(adapter.dispatch('analyze_relation', 'ecommerce_kpi')(relation)) }}
{%- endmacro %}

{% macro default__analyze_relation(relation) -%}
{%- endmacro %}

{% macro postgres__analyze_relation(relation) -%}
    {%- if relation is not none and config.get('materialized') in ['table', 'incremental'] -%}
        analyze {{ relation }}
    {%- endif -%}
{%- endmacro %}
