{#- Generic test: `expression` holds on every row (optionally only where
    `where_clause` holds); the failing rows are returned. -#}
{% test expression_is_true(model, expression, where_clause=none) %}
    {%- set scope = where_clause if where_clause is not none else '1 = 1' %}
    select *
    from {{ model }}
    where
        not ({{ expression }})
        and ({{ scope }})
{% endtest %}
