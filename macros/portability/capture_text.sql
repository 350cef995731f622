{#- Renders the SQL of its call block unchanged and also keeps it as text in
    `store.ctes` (a jinja namespace), for a macro that has to run part of a
    model as a statement of its own (markov_absorbed on Spark):
    `{% call capture_text(ns) %} a as (...), b as (...) {% endcall %}`. -#}
{% macro capture_text(store) -%}
    {%- set store.ctes = caller() -%}
    {{ store.ctes }}
{%- endmacro %}
