{#- Creates the warehouse's layer schemas (staging, intermediate, marts) at the
    start of every run, so the warehouse always has its documented shape even
    before a layer holds a model, and BI connections to `marts` never fail on a
    missing schema. -#}
{% macro create_layer_schemas() %}
    {%- if execute -%}
        {%- for layer in ['staging', 'intermediate', 'marts'] -%}
            {%- do adapter.create_schema(api.Relation.create(database=target.database, schema=layer)) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as layer_schemas_created
{% endmacro %}
