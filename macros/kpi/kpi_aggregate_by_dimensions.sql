{% macro kpi_aggregate_by_dimensions(relation, date_column, dimensions, measures) -%}
{#- Sums per-unit measures by day, once for the whole ('total') and once per
    breakdown dimension, as rows (date_day, dimension, dimension_value,
    <measure>...). `relation` is a CTE with one row per unit (order, session,
    ticket...) carrying the date column, each dimension column and each measure
    column; a missing dimension value is reported as 'unknown', so every
    breakdown's values add up to the total. -#}
    select
        {{ date_column }} as date_day,
        'total' as dimension,
        'total' as dimension_value,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    group by {{ date_column }}
    {%- for dimension in dimensions %}

    union all

    select
        {{ date_column }} as date_day,
        '{{ dimension }}' as dimension,
        coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown') as dimension_value,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    group by
        {{ date_column }},
        coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown')
    {%- endfor %}
{%- endmacro %}
