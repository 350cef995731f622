{#- The day targets of an additive KPI add up to every explicit target of the
    seed kpi_targets whose days the calendar holds: a year target with its own
    month targets still spreads exactly its total over its days. Returns the
    targets whose days sum to anything else. -#}
with

targets as (

    select * from {{ ref('kpi_targets') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

spread as (

    select * from {{ ref('int_kpi_targets_spread') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

explicit_targets as (

    select
        targets.kpi_id,
        targets.grain as target_grain,
        coalesce(targets.dimension, 'total') as dimension,
        coalesce(targets.dimension_value, 'total') as dimension_value,
        cast(targets.period_start as date) as target_start,
        {{ kpi_period_end('targets.grain', 'cast(targets.period_start as date)') }} as target_end,
        targets.target
    from targets
    inner join definitions
        on targets.kpi_id = definitions.kpi_id
    where definitions.aggregation = 'sum'

),

calendar_days as (

    select
        explicit_targets.kpi_id,
        explicit_targets.target_grain,
        explicit_targets.dimension,
        explicit_targets.dimension_value,
        explicit_targets.target_start,
        max(explicit_targets.target) as target,
        {{ dbt.datediff('min(explicit_targets.target_start)', 'max(explicit_targets.target_end)', 'day') }} + 1
            as days_in_target,
        count(dates.date_day) as days_in_calendar
    from explicit_targets
    left join dates
        on explicit_targets.target_start <= dates.date_day
            and explicit_targets.target_end >= dates.date_day
    group by
        explicit_targets.kpi_id,
        explicit_targets.target_grain,
        explicit_targets.dimension,
        explicit_targets.dimension_value,
        explicit_targets.target_start,
        explicit_targets.target_end

),

summed as (

    select
        calendar_days.kpi_id,
        calendar_days.target_grain,
        calendar_days.dimension,
        calendar_days.dimension_value,
        calendar_days.target_start,
        max(calendar_days.target) as target,
        sum(spread.target) as day_targets
    from calendar_days
    inner join explicit_targets
        on calendar_days.kpi_id = explicit_targets.kpi_id
            and calendar_days.dimension = explicit_targets.dimension
            and calendar_days.dimension_value = explicit_targets.dimension_value
            and calendar_days.target_grain = explicit_targets.target_grain
            and calendar_days.target_start = explicit_targets.target_start
    left join spread
        on explicit_targets.kpi_id = spread.kpi_id
            and explicit_targets.dimension = spread.dimension
            and explicit_targets.dimension_value = spread.dimension_value
            and spread.grain = 'day'
            and explicit_targets.target_start <= spread.period_start
            and explicit_targets.target_end >= spread.period_start
    where calendar_days.days_in_calendar = calendar_days.days_in_target
    group by
        calendar_days.kpi_id,
        calendar_days.target_grain,
        calendar_days.dimension,
        calendar_days.dimension_value,
        calendar_days.target_start

)

select
    kpi_id,
    target_grain,
    dimension,
    dimension_value,
    target_start,
    target,
    day_targets
from summed
where
    day_targets is null
    or abs(day_targets - target) > 1e-6 * greatest(1, abs(target))
