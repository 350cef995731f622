{#- The support KPIs that do not add up across days: the median and 90th
    percentile of first response time (seconds from ticket creation to the first
    response, answered tickets, dated by creation day), computed per period of
    every grain from the tickets themselves. Every period of the data's span is
    emitted for the total and for each support channel seen; a period without an
    answered ticket has a NULL value (a percentile of nothing is unknown, not 0).
    numerator and denominator are NULL: a percentile has neither. -#}
{%- set grains = kpi_grain_start_columns().items() -%}
{%- set percentiles = [
    ('first_response_time_s_median', 'p50_seconds'),
    ('first_response_time_s_p90', 'p90_seconds'),
] -%}
with

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

answered as (

    select
        calendar.date_day,
        calendar.iso_week_start_date,
        calendar.month_start_date,
        calendar.quarter_start_date,
        calendar.year_start_date,
        tickets.channel as support_channel,
        cast(tickets.first_response_seconds as {{ kpi_type_double() }}) as first_response_seconds
    from tickets
    inner join calendar
        on tickets.created_date = calendar.date_day
    where tickets.first_response_seconds is not null

),

period_stats as (

    {%- for grain, period_column in grains %}

        select
            '{{ grain }}' as grain,
            {{ period_column }} as period_start,
            'total' as dimension,
            'total' as dimension_value,
            {{ kpi_percentile('first_response_seconds', 0.5) }} as p50_seconds,
            {{ kpi_percentile('first_response_seconds', 0.9) }} as p90_seconds
        from answered
        group by {{ period_column }}

        union all

        select
            '{{ grain }}' as grain,
            {{ period_column }} as period_start,
            'support_channel' as dimension,
            coalesce(support_channel, 'unknown') as dimension_value,
            {{ kpi_percentile('first_response_seconds', 0.5) }} as p50_seconds,
            {{ kpi_percentile('first_response_seconds', 0.9) }} as p90_seconds
        from answered
        group by {{ period_column }}, coalesce(support_channel, 'unknown')
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

periods as (

    {{ kpi_period_spine('calendar', 'coverage', 'data_start_date') }}

),

breakdowns as (

    select
        'total' as dimension,
        'total' as dimension_value

    union all

    select distinct
        'support_channel' as dimension,
        coalesce(channel, 'unknown') as dimension_value
    from tickets

),

spine as (

    select
        periods.grain,
        periods.period_start,
        breakdowns.dimension,
        breakdowns.dimension_value
    from periods
    cross join breakdowns

),

filled as (

    select
        spine.grain,
        spine.period_start,
        spine.dimension,
        spine.dimension_value,
        period_stats.p50_seconds,
        period_stats.p90_seconds
    from spine
    left join period_stats
        on spine.grain = period_stats.grain
            and spine.period_start = period_stats.period_start
            and spine.dimension = period_stats.dimension
            and spine.dimension_value = period_stats.dimension_value

),

unpivoted as (

    {%- for kpi_id, value_column in percentiles %}

        select
            '{{ kpi_id }}' as kpi_id,
            grain,
            period_start,
            dimension,
            dimension_value,
            {{ value_column }} as value  -- noqa: RF04
        from filled
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        kpi_id,
        grain,
        cast(period_start as date) as period_start,
        dimension,
        dimension_value,
        cast(null as {{ kpi_type_double() }}) as numerator,
        cast(null as {{ kpi_type_double() }}) as denominator,
        cast(value as {{ kpi_type_double() }}) as value,  -- noqa: RF04
        true as is_complete
    from unpivoted

)

select * from final
