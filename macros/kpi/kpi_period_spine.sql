{% macro kpi_period_spine(calendar, coverage, start_column='data_start_date', grains=none) -%}
{#- The KPI periods of the data's span, as a select for a CTE: one row per
    grain and period start (grains: day, ISO week, month, quarter, year, or the
    listed ones) with period_end, the period's last day inside the span (the
    data's last day for the running period). The span runs from the coverage
    row's `start_column` (data_start_date, or first_activity_date) to its
    data_end_date. `calendar` holds dim_date's columns, `coverage` is
    int_data_coverage_computed (both CTE names). -#}
    {%- set grain_columns = {
        'day': 'date_day',
        'week': 'iso_week_start_date',
        'month': 'month_start_date',
        'quarter': 'quarter_start_date',
        'year': 'year_start_date',
    } -%}
    {%- for grain, column in grain_columns.items() if grains is none or grain in grains %}
    select
        '{{ grain }}' as grain,
        {{ calendar }}.{{ column }} as period_start,
        max({{ calendar }}.date_day) as period_end
    from {{ calendar }}
    inner join {{ coverage }}
        on {{ calendar }}.date_day >= {{ coverage }}.{{ start_column }}
            and {{ calendar }}.date_day <= {{ coverage }}.data_end_date
    group by {{ calendar }}.{{ column }}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}
{%- endmacro %}
