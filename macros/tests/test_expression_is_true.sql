{#- Generic test: `expression` holds on every row (optionally only where
    `where_clause` holds); the failing rows are returned. -#}
{% test expression_is_true(model, expression, where_clause=none) %}
    select *
    from {{ model }}
    where not ({{ expression }})
    {%- if where_clause is not none %} and ({{ where_clause }}){% endif %}
{% endtest %}
