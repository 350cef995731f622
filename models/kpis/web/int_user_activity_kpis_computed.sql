{#- Non-additive web KPIs per grain: one row per kpi_id, grain, period start,
    dimension and value (the shared per-grain KPI shape). Periods run from the
    first day with recorded activity (int_data_coverage_computed; activity
    before it is unknown, not zero) to the data's last day.
    dau: day = distinct active users (int_user_days_aggregated); longer grains
    = average daily active users (user-days / days).
    wau / mau: day = distinct users active in the 7 / 30 days ending on the day,
    from a difference array (a user-day counts from its day up to the day before
    the user's next active day or the window end, whichever comes first), so no
    user-day is fanned out over its window; week (wau) / month (mau) = distinct
    users active in the ISO week / calendar month.
    A row whose window or period starts before the first activity day has
    is_complete = false. -#}
{%- set grains = kpi_grain_start_columns().items() -%}
{%- set windows = [('wau', 7, 'week', 'iso_week_start_date'), ('mau', 30, 'month', 'month_start_date')] %}
with

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

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

dau as (

    -- day = distinct active users; longer grains = user-days / days
    {%- for grain, column in grains %}
        select
            'dau' as kpi_id,
            '{{ grain }}' as grain,
            span_days.{{ column }} as period_start,
            cast(count(user_days.user_id) as {{ kpi_type_double() }}) as numerator,
            cast(count(distinct span_days.date_day) as {{ kpi_type_double() }}) as denominator,
            span_days.{{ column }} >= span_days.first_activity_date as is_complete
        from span_days
        left join user_days
            on span_days.date_day = user_days.activity_date
        group by span_days.{{ column }}, span_days.first_activity_date
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

),

user_day_sequences as (

    select
        user_id,
        activity_date,
        lead(activity_date) over (partition by user_id order by activity_date) as next_activity_date
    from user_days

),

daily_deltas as (

    {%- for kpi_id, window_days, _, _ in windows %}
        -- {{ kpi_id }}: +1 on the active day, -1 on the day the user drops out of the window
        select
            '{{ kpi_id }}' as kpi_id,
            date_day,
            sum(delta) as delta
        from (
            select
                activity_date as date_day,
                1 as delta
            from user_day_sequences
            union all
            select
                case
                    when next_activity_date < cast({{ dbt.dateadd('day', window_days, 'activity_date') }} as date)
                        then next_activity_date
                    else cast({{ dbt.dateadd('day', window_days, 'activity_date') }} as date)
                end as date_day,
                -1 as delta
            from user_day_sequences
        ) as deltas
        group by date_day
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

),

rolling_users as (

    {%- for kpi_id, window_days, _, _ in windows %}
        select
            '{{ kpi_id }}' as kpi_id,
            'day' as grain,
            span_days.date_day as period_start,
            cast(sum(coalesce(daily_deltas.delta, 0)) over (
                order by span_days.date_day
                rows between unbounded preceding and current row
            ) as {{ kpi_type_double() }}) as numerator,
            cast(null as {{ kpi_type_double() }}) as denominator,
            cast({{ dbt.dateadd('day', 1 - window_days, 'span_days.date_day') }} as date)
            >= span_days.first_activity_date as is_complete
        from span_days
        left join daily_deltas
            on
                daily_deltas.kpi_id = '{{ kpi_id }}'
                and span_days.date_day = daily_deltas.date_day
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

),

periods as (

    {{ kpi_period_spine('dates', 'coverage', 'first_activity_date', ['week', 'month']) }}

),

user_periods as (

    select
        user_days.user_id,
        span_days.iso_week_start_date,
        span_days.month_start_date
    from user_days
    inner join span_days
        on user_days.activity_date = span_days.date_day

),

period_users as (

    {%- for kpi_id, _, grain, column in windows %}
        select
            '{{ kpi_id }}' as kpi_id,
            periods.grain,
            periods.period_start,
            cast(count(distinct user_periods.user_id) as {{ kpi_type_double() }}) as numerator,
            cast(null as {{ kpi_type_double() }}) as denominator,
            periods.period_start >= coverage.first_activity_date as is_complete
        from periods
        cross join coverage
        left join user_periods
            on periods.period_start = user_periods.{{ column }}
        where periods.grain = '{{ grain }}'
        group by periods.grain, periods.period_start, coverage.first_activity_date
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}

),

final as (
    {%- for relation, value in [('dau', 'numerator / denominator'), ('rolling_users', 'numerator'),
                                ('period_users', 'numerator')] %}

        select
            kpi_id,
            grain,
            period_start,
            'total' as dimension,
            'total' as dimension_value,
            numerator,
            denominator,
            {{ value }} as value,  -- noqa: RF04
            is_complete
        from {{ relation }}
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

)

select * from final
