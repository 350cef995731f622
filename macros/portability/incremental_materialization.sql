{#- The materialization of the models that rebuild whole entities incrementally
    (sessions, orders, order items, day aggregates: delete+insert on their key,
    DECISIONLOG D-incremental). Spark has no delete+insert, and its
    insert_overwrite replaces partitions, not keys: without a partition by the
    rebuilt entities it would replace the whole table with just the rebuilt rows
    and lose the rest. So on Spark these models are plain tables, rebuilt in full
    on every run (correct, only slower); every other engine keeps incremental. -#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization', 'ecommerce_kpi')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
