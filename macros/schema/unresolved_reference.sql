{% macro unresolved_reference(child, column_name, table_name, parent, parent_column, parent_table) -%}
{#- One row of marts.data_references, as a select: of the rows of the CTE
    `child` with a value in `column_name` (raw table `table_name`), how many
    name a value that is no `parent_column` of the CTE `parent` (raw table
    `parent_table`), in how many distinct values, and the smallest of them.
    The child's values are grouped first, so the join reads each value once;
    the parent's key is unique (its primary key). -#}
    select
        cast('{{ table_name }}' as {{ dbt.type_string() }}) as table_name,
        cast('{{ column_name }}' as {{ dbt.type_string() }}) as column_name,
        cast('{{ parent_table }}' as {{ dbt.type_string() }}) as refers_to_table,
        cast('{{ parent_column }}' as {{ dbt.type_string() }}) as refers_to_column,
        cast(coalesce(sum(child_values.value_rows), 0) as {{ dbt.type_bigint() }}) as checked_rows,
        cast(
            coalesce(sum(case when {{ parent }}.{{ parent_column }} is null then child_values.value_rows end), 0)
            as {{ dbt.type_bigint() }}
        ) as unresolved_rows,
        cast(
            count(case when {{ parent }}.{{ parent_column }} is null then child_values.key_value end)
            as {{ dbt.type_bigint() }}
        ) as unresolved_keys,
        min(case when {{ parent }}.{{ parent_column }} is null then child_values.key_value end)
            as example_unresolved_key
    from (
        select
            {{ column_name }} as key_value,
            count(*) as value_rows
        from {{ child }}
        where {{ column_name }} is not null
        group by {{ column_name }}
    ) as child_values
    left join {{ parent }}
        on child_values.key_value = {{ parent }}.{{ parent_column }}
{%- endmacro %}
