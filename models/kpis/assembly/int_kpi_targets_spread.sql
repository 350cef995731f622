{#- The target of every KPI, grain, period and breakdown that a target in the
    kpi_targets seed reaches (DECISIONLOG D48), from the explicit targets and
    what each leaves for its own days (int_kpi_targets_netted). An explicit
    target wins for its own period. Additive (sum) KPIs: a day belongs to the
    most specific target covering it (month over quarter over year), which
    spreads what it leaves over its own days by the KPI's daily values 364 days
    (same weekdays) earlier when those are complete and sum above zero, else
    evenly; a week, month or quarter without its own target sums its days'
    targets when every day has one. Rates and averages (ratio KPIs): a period
    takes the most specific target whose period covers the whole of it.
    Per-grain and derived KPIs (whose value depends on the period's length):
    only explicit targets. -#}
with

explicit_targets as (

    select * from {{ ref('int_kpi_targets_netted') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

day_targets as (

    select * from {{ ref('int_kpi_day_targets_spread') }}

),

day_periods as (

    {{ kpi_calendar_periods('dates') }}

),

period_bounds as (

    select
        grain,
        period_start,
        max(period_end) as period_end,
        count(*) as days_in_period
    from day_periods
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
    -- additive sums of periods every day of which has a target, and no target of their own
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

)

select * from final
