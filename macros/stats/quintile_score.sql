{#- The 1-5 quintile score of a row by `order_by` among the rows of its
    `partition_by`: floor(5 * (rank - 1) / rows) + 1. Ranked, not ntile'd, so
    tied values share a score (ntile would split a tie across two scores). -#}
{% macro quintile_score(order_by, partition_by) -%}
    cast(floor(
        5.0 * (rank() over (partition by {{ partition_by }} order by {{ order_by }}) - 1)
        / count(*) over (partition by {{ partition_by }})
    ) as {{ dbt.type_int() }}) + 1
{%- endmacro %}
