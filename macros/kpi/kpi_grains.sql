{#- The KPI grains and where their periods start, in one file. The three macros
    spell the same five grains: the first returns them as data for the per-grain
    models' loops; the other two render SQL and do not call it, because the
    linter's stand-in for dbt's return() only works one macro deep. -#}

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

{% macro kpi_grains_select() -%}
{#- One row per KPI grain (column `grain`), as a select for a CTE. -#}
    {%- for grain in ['day', 'week', 'month', 'quarter', 'year'] %}
    select '{{ grain }}' as grain
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

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
