{% macro kpi_grain_start_columns() -%}
{#- The KPI grains, finest first, each with the dim_date column that holds the
    first day of its period. -#}
    {{ return({
        'day': 'date_day',
        'week': 'iso_week_start_date',
        'month': 'month_start_date',
        'quarter': 'quarter_start_date',
        'year': 'year_start_date',
    }) }}
{%- endmacro %}
