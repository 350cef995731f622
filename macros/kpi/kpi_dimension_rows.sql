{% macro kpi_dimension_rows(relation, key_column, dimensions) -%}
{#- One row per unit of `relation` (key `key_column`) and breakdown, as a
    select for a CTE: (key, dimension, dimension_value), once as
    ('total', 'total') and once per column of `dimensions` (missing values
    'unknown'), for joining per-unit facts to every breakdown they count in. -#}
    select
        {{ key_column }},
        'total' as dimension,
        'total' as dimension_value
    from {{ relation }}
    {%- for dimension in dimensions %}

    union all

    select
        {{ key_column }},
        '{{ dimension }}' as dimension,
        coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown') as dimension_value
    from {{ relation }}
    {%- endfor %}
{%- endmacro %}
