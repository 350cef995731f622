{% macro kpi_calendar_periods(dates) -%}
{#- The KPI period spine, written once: one row per calendar day of `dates`
    (a CTE over dim_date) and KPI grain, with the first and last day of the
    period of that grain the day falls in (date_day, grain, period_start,
    period_end), as a select for a CTE. -#}
    select
        {{ dates }}.date_day,
        grains.grain,
        {{ kpi_period_start('grains.grain', dates) }} as period_start,
        {{ kpi_period_end('grains.grain', kpi_period_start('grains.grain', dates)) }} as period_end
    from {{ dates }}
    cross join ({{ kpi_grains_select() }}) as grains
{%- endmacro %}
