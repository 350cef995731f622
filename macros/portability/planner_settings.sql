{#- Session settings the engine's planner needs for this project's SQL: a
    pre-hook of every model, and (persist=true) an on-run-start hook. On
    PostgreSQL, nested-loop joins are turned off: import CTEs (`select * from
    ref(...)`) read more than once are materialised without statistics, the
    planner then expects a handful of rows from them and nests loops over
    hundreds of thousands (int_kpi_values_derived: 374 s with nested loops,
    0.5 s with hash joins). Data tests take no hooks, so at the start of a run
    the setting is also made the dbt role's default (`alter role current_user`,
    which any role may do for itself): it holds for the connections dbt opens
    for the tests. Other engines need nothing. -#}
{% macro planner_settings(persist=false) -%}
    {{ return(adapter.dispatch('planner_settings', 'ecommerce_kpi')(persist)) }}
{%- endmacro %}

{% macro default__planner_settings(persist=false) -%}
{%- endmacro %}

{% macro postgres__planner_settings(persist=false) -%}
    {%- if persist -%}
        alter role current_user set enable_nestloop = off;
    {% endif -%}
    set enable_nestloop = off
{%- endmacro %}
