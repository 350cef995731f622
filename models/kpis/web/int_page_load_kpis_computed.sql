{#- Page load percentiles per grain: one row per kpi_id (page_load_p50_ms,
    page_load_p90_ms), grain, period start, dimension and value (the shared
    per-grain KPI shape). Continuous percentiles (linear interpolation) of
    page_load_ms over the events of non-test sessions that carry one, dated by
    the event, in total and by the event's device type. Periods run from the
    first day with recorded activity to the data's last day; every period has a
    total row (value NULL without any page load), device rows only where there
    are page loads. A percentile is not additive, so numerator and denominator
    are NULL. -#}
{%- set grains = kpi_grain_start_columns().items() -%}
with

events as (

    select * from {{ ref('stg_web__events') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

span_days as (

    select
        dates.date_day,
        dates.iso_week_start_date,
        dates.month_start_date,
        dates.quarter_start_date,
        dates.year_start_date,
        coverage.first_activity_date
    from dates
    cross join coverage
    where
        dates.date_day >= coverage.first_activity_date
        and dates.date_day <= coverage.data_end_date

),

load_events as (

    select
        span_days.date_day,
        span_days.iso_week_start_date,
        span_days.month_start_date,
        span_days.quarter_start_date,
        span_days.year_start_date,
        events.device_type,
        events.page_load_ms
    from events
    inner join sessions
        on events.session_id = sessions.session_id
    inner join span_days
        on events.event_date = span_days.date_day
    where events.page_load_ms is not null

),

page_load_periods as (

    {{ kpi_period_spine('dates', 'coverage', 'first_activity_date') }}

),

page_load_percentiles as (

    {%- for grain, column in grains %}
        select
            '{{ grain }}' as grain,
            {{ column }} as period_start,
            'total' as dimension,
            'total' as dimension_value,
            {{ kpi_percentiles('page_load_ms', [0.5, 0.9]) }} as load_percentiles
        from load_events
        group by {{ column }}

        union all

        select
            '{{ grain }}' as grain,
            {{ column }} as period_start,
            'device_type' as dimension,
            coalesce(device_type, 'unknown') as dimension_value,
            {{ kpi_percentiles('page_load_ms', [0.5, 0.9]) }} as load_percentiles
        from load_events
        group by {{ column }}, coalesce(device_type, 'unknown')
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

),

page_load_totals as (

    select
        grain,
        period_start,
        dimension,
        dimension_value,
        {{ kpi_percentiles_element('load_percentiles', 0) }} as p50,
        {{ kpi_percentiles_element('load_percentiles', 1) }} as p90
    from page_load_percentiles

),

page_load_rows as (

    -- every period has a total row (NULL without page loads); device rows where there are some
    select
        page_load_periods.grain,
        page_load_periods.period_start,
        page_load_totals.p50,
        page_load_totals.p90,
        coalesce(page_load_totals.dimension, 'total') as dimension,
        coalesce(page_load_totals.dimension_value, 'total') as dimension_value,
        page_load_periods.period_start >= coverage.first_activity_date as is_complete
    from page_load_periods
    cross join coverage
    left join page_load_totals
        on
            page_load_periods.grain = page_load_totals.grain
            and page_load_periods.period_start = page_load_totals.period_start

),

final as (
    {%- for kpi_id, column in [('page_load_p50_ms', 'p50'), ('page_load_p90_ms', 'p90')] %}

        select
            '{{ kpi_id }}' as kpi_id,
            grain,
            period_start,
            dimension,
            dimension_value,
            cast(null as {{ kpi_type_double() }}) as numerator,
            cast(null as {{ kpi_type_double() }}) as denominator,
            cast({{ column }} as {{ kpi_type_double() }}) as value,  -- noqa: RF04
            is_complete
        from page_load_rows
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

)

select * from final
