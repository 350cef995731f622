{#- Spells the grains of kpi_grain_start_columns rather than calling it: the
    linter's stand-in for dbt's return() only works one macro deep. -#}
{% macro kpi_period_start(grain_column, dates_alias) -%}
{#- The start of the period of grain `grain_column` that a day of the calendar
    `dates_alias` (dim_date's columns) falls in (weeks are ISO weeks). -#}
    case {{ grain_column }}
        when 'day' then {{ dates_alias }}.date_day
        when 'week' then {{ dates_alias }}.iso_week_start_date
        when 'month' then {{ dates_alias }}.month_start_date
        when 'quarter' then {{ dates_alias }}.quarter_start_date
        when 'year' then {{ dates_alias }}.year_start_date
    end
{%- endmacro %}
