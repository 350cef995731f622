{#- The target of every KPI, grain, period and breakdown that a target in the
    kpi_targets seed reaches (DECISIONLOG D48). An explicit target always wins
    for its own period. Below it:
    - additive (sum) KPIs: each target is spread over its days by the KPI's
      daily shape 52 weeks (364 days, same weekdays) earlier when that year is
      complete and non-zero, else evenly by days; a day takes the spread of the
      most specific target covering it (month over quarter over year), and a
      week, month or quarter without its own target sums its days' targets when
      every day has one;
    - rates and averages (ratio KPIs): a period takes the most specific target
      whose period covers the whole of it (a rate target holds for every part
      of its period);
    - per-grain and derived KPIs (distinct counts, churn, repurchase, turnover,
      growth, ...) depend on the length of their period: only explicit targets. -#}
with

targets as (

    select * from {{ ref('kpi_targets') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

rolled_up as (

    select * from {{ ref('int_kpi_values_rolled_up') }}

),

grains as (

    select 'day' as grain
    union all
    select 'week' as grain
    union all
    select 'month' as grain
    union all
    select 'quarter' as grain
    union all
    select 'year' as grain

),

explicit_targets as (

    select
        targets.kpi_id,
        targets.grain as target_grain,
        cast(targets.period_start as date) as target_start,
        {{ kpi_period_end('targets.grain', 'cast(targets.period_start as date)') }} as target_end,
        coalesce(targets.dimension, 'total') as dimension,
        coalesce(targets.dimension_value, 'total') as dimension_value,
        cast(targets.target as {{ kpi_type_double() }}) as target,
        case targets.grain when 'month' then 1 when 'quarter' then 2 else 3 end as specificity,
        definitions.aggregation = 'sum' as is_additive,
        definitions.aggregation = 'ratio' as is_rate
    from targets
    inner join definitions
        on targets.kpi_id = definitions.kpi_id

),

target_days as (

    select
        explicit_targets.kpi_id,
        explicit_targets.target_grain,
        explicit_targets.target_start,
        explicit_targets.dimension,
        explicit_targets.dimension_value,
        explicit_targets.target,
        explicit_targets.specificity,
        explicit_targets.is_additive,
        dates.date_day,
        cast({{ dbt.dateadd('day', -364, 'dates.date_day') }} as date) as last_year_day,
        -- the calendar's days in the target's period (dim_date holds whole years)
        count(*) over (
            partition by
                explicit_targets.kpi_id, explicit_targets.target_grain, explicit_targets.target_start,
                explicit_targets.dimension, explicit_targets.dimension_value
        ) as days_in_target
    from explicit_targets
    inner join dates
        on explicit_targets.target_start <= dates.date_day
            and explicit_targets.target_end >= dates.date_day

),

shaped_days as (

    select
        target_days.kpi_id,
        target_days.target_grain,
        target_days.target_start,
        target_days.dimension,
        target_days.dimension_value,
        target_days.target,
        target_days.specificity,
        target_days.is_additive,
        target_days.date_day,
        target_days.days_in_target,
        last_year.value as last_year_value,
        sum(case when last_year.is_complete then 1 else 0 end) over (
            partition by
                target_days.kpi_id, target_days.target_grain, target_days.target_start,
                target_days.dimension, target_days.dimension_value
        ) as last_year_complete_days,
        sum(last_year.value) over (
            partition by
                target_days.kpi_id, target_days.target_grain, target_days.target_start,
                target_days.dimension, target_days.dimension_value
        ) as last_year_total
    from target_days
    left join rolled_up as last_year
        on target_days.kpi_id = last_year.kpi_id
            and last_year.grain = 'day'
            and target_days.last_year_day = last_year.period_start
            and target_days.dimension = last_year.dimension
            and target_days.dimension_value = last_year.dimension_value

),

day_candidates as (

    select
        kpi_id,
        dimension,
        dimension_value,
        date_day,
        specificity,
        is_additive,
        case
            when not is_additive then target
            when last_year_complete_days = days_in_target and last_year_total > 0
                then target * coalesce(last_year_value, 0) / last_year_total
            else target / days_in_target
        end as target,
        case
            when not is_additive then 'covering_target'
            when last_year_complete_days = days_in_target and last_year_total > 0 then 'spread_by_last_year'
            else 'spread_evenly'
        end as target_method,
        row_number() over (
            partition by kpi_id, dimension, dimension_value, date_day
            order by specificity
        ) as specificity_rank
    from shaped_days

),

day_targets as (

    select
        kpi_id,
        dimension,
        dimension_value,
        date_day,
        is_additive,
        target,
        target_method
    from day_candidates
    where specificity_rank = 1

),

periods as (

    select
        grains.grain,
        case grains.grain
            when 'day' then dates.date_day
            when 'week' then dates.iso_week_start_date
            when 'month' then dates.month_start_date
            when 'quarter' then dates.quarter_start_date
            else dates.year_start_date
        end as period_start
    from dates
    cross join grains

),

period_bounds as (

    select
        grain,
        period_start,
        {{ kpi_period_end('grain', 'period_start') }} as period_end,
        count(*) as days_in_period
    from periods
    group by
        grain,
        period_start

),

covering as (

    -- the most specific explicit target whose period contains the whole period
    select
        explicit_targets.kpi_id,
        period_bounds.grain,
        period_bounds.period_start,
        explicit_targets.dimension,
        explicit_targets.dimension_value,
        explicit_targets.target,
        explicit_targets.is_additive,
        explicit_targets.is_rate,
        explicit_targets.target_grain = period_bounds.grain
        and explicit_targets.target_start = period_bounds.period_start as is_explicit,
        row_number() over (
            partition by
                explicit_targets.kpi_id, period_bounds.grain, period_bounds.period_start,
                explicit_targets.dimension, explicit_targets.dimension_value
            order by explicit_targets.specificity
        ) as specificity_rank
    from period_bounds
    inner join explicit_targets
        on period_bounds.period_start >= explicit_targets.target_start
            and period_bounds.period_end <= explicit_targets.target_end

),

summed as (

    -- additive KPIs: the sum of the day targets of a period every day of which has one
    select
        day_targets.kpi_id,
        period_bounds.grain,
        period_bounds.period_start,
        day_targets.dimension,
        day_targets.dimension_value,
        sum(day_targets.target) as target,
        case
            when min(day_targets.target_method) = max(day_targets.target_method)
                then max(day_targets.target_method)
            else 'spread_mixed'
        end as target_method,
        count(*) as days_with_target,
        max(period_bounds.days_in_period) as days_in_period
    from day_targets
    inner join period_bounds
        on day_targets.date_day >= period_bounds.period_start
            and day_targets.date_day <= period_bounds.period_end
    where day_targets.is_additive
    group by
        day_targets.kpi_id,
        period_bounds.grain,
        period_bounds.period_start,
        day_targets.dimension,
        day_targets.dimension_value

),

explicit_or_covering as (

    select
        kpi_id,
        grain,
        period_start,
        dimension,
        dimension_value,
        target,
        case when is_explicit then 'explicit' else 'covering_target' end as target_method
    from covering
    where
        specificity_rank = 1
        and (is_explicit or is_rate)

),

spread_sums as (

    select
        summed.kpi_id,
        summed.grain,
        summed.period_start,
        summed.dimension,
        summed.dimension_value,
        summed.target,
        summed.target_method
    from summed
    left join explicit_or_covering
        on summed.kpi_id = explicit_or_covering.kpi_id
            and summed.grain = explicit_or_covering.grain
            and summed.period_start = explicit_or_covering.period_start
            and summed.dimension = explicit_or_covering.dimension
            and summed.dimension_value = explicit_or_covering.dimension_value
    where
        summed.days_with_target = summed.days_in_period
        and explicit_or_covering.kpi_id is null

),

final as (

    select
        kpi_id,
        grain,
        period_start,
        dimension,
        dimension_value,
        target,
        target_method
    from explicit_or_covering
    union all
    select
        kpi_id,
        grain,
        period_start,
        dimension,
        dimension_value,
        target,
        target_method
    from spread_sums

)

select * from final
