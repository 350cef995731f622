{% macro kpi_period_end(grain_column, period_start_column) -%}
{#- The last day (a date) of the period of grain `grain_column` ('day', 'week',
    'month', 'quarter' or 'year') starting on `period_start_column`. -#}
    cast(
        case {{ grain_column }}
            when 'day' then {{ period_start_column }}
            when 'week' then {{ dbt.dateadd('day', 6, period_start_column) }}
            when 'month' then {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, period_start_column)) }}
            when 'quarter' then {{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, period_start_column)) }}
            else {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, period_start_column)) }}
        end as date
    )
{%- endmacro %}
