{#- Generic test: the model has at least one row (catches a source or join that
    silently returns nothing). Returns one row when the model is empty. -#}
{% test not_empty(model) %}
    select 1 as is_empty
    where not exists (select 1 from {{ model }})
{% endtest %}
