{#- The target of every KPI, grain, period and breakdown that a target in the
    kpi_targets seed reaches (DECISIONLOG D48). An explicit target always wins
    for its own period. Below it:
    - additive (sum) KPIs: a day belongs to the most specific target covering
      it (month over quarter over year); a target's own days share what it
      leaves after its explicit sub-targets (a year of 3.4 M with Nov and Dec
      set to 0.87 M spreads 2.53 M over Jan-Oct), by the KPI's daily values 52
      weeks (364 days, same weekdays) earlier when those are complete and sum
      above zero, else evenly; a week, month or quarter without its own target
      sums its days' targets when every day has one;
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

    {{ kpi_grains_select() }}

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

nested_targets as (

    -- explicit targets lying inside a coarser explicit target of the same KPI
    -- and breakdown (a month inside a quarter or year, a quarter inside a year)
    select
        parent.kpi_id,
        parent.dimension,
        parent.dimension_value,
        parent.target_grain as parent_grain,
        parent.target_start as parent_start,
        child.target_start as child_start,
        child.target_end as child_end,
        child.specificity as child_specificity,
        child.target as child_target
    from explicit_targets as parent
    inner join explicit_targets as child
        on parent.kpi_id = child.kpi_id
            and parent.dimension = child.dimension
            and parent.dimension_value = child.dimension_value
            and parent.specificity > child.specificity
            and parent.target_start <= child.target_start
            and parent.target_end >= child.target_end

),

outermost_children as (

    -- the nested targets not inside another nested target of the same parent
    -- (a month inside an explicit quarter is already part of that quarter)
    select
        nested_targets.kpi_id,
        nested_targets.dimension,
        nested_targets.dimension_value,
        nested_targets.parent_grain,
        nested_targets.parent_start,
        nested_targets.child_target
    from nested_targets
    left join nested_targets as enclosing
        on nested_targets.kpi_id = enclosing.kpi_id
            and nested_targets.dimension = enclosing.dimension
            and nested_targets.dimension_value = enclosing.dimension_value
            and nested_targets.parent_grain = enclosing.parent_grain
            and nested_targets.parent_start = enclosing.parent_start
            and nested_targets.child_specificity < enclosing.child_specificity
            and nested_targets.child_start >= enclosing.child_start
            and nested_targets.child_end <= enclosing.child_end
    where enclosing.kpi_id is null

),

remainders as (

    -- what an additive target leaves for its days outside its explicit
    -- sub-targets, so that its days still add up to it
    select
        explicit_targets.kpi_id,
        explicit_targets.target_grain,
        explicit_targets.target_start,
        explicit_targets.dimension,
        explicit_targets.dimension_value,
        explicit_targets.target - coalesce(sum(outermost_children.child_target), 0) as remaining_target
    from explicit_targets
    left join outermost_children
        on explicit_targets.kpi_id = outermost_children.kpi_id
            and explicit_targets.dimension = outermost_children.dimension
            and explicit_targets.dimension_value = outermost_children.dimension_value
            and explicit_targets.target_grain = outermost_children.parent_grain
            and explicit_targets.target_start = outermost_children.parent_start
    group by
        explicit_targets.kpi_id,
        explicit_targets.target_grain,
        explicit_targets.target_start,
        explicit_targets.dimension,
        explicit_targets.dimension_value,
        explicit_targets.target

),

target_days as (

    -- every day of every explicit target, ranked: the most specific target
    -- covering a day owns it
    select
        explicit_targets.kpi_id,
        explicit_targets.target_grain,
        explicit_targets.target_start,
        explicit_targets.dimension,
        explicit_targets.dimension_value,
        explicit_targets.target,
        explicit_targets.is_additive,
        dates.date_day,
        cast({{ dbt.dateadd('day', -364, 'dates.date_day') }} as date) as last_year_day,
        row_number() over (
            partition by
                explicit_targets.kpi_id, explicit_targets.dimension,
                explicit_targets.dimension_value, dates.date_day
            order by explicit_targets.specificity
        ) as specificity_rank
    from explicit_targets
    inner join dates
        on explicit_targets.target_start <= dates.date_day
            and explicit_targets.target_end >= dates.date_day

),

owned_days as (

    -- each target's own days with last year's value of the KPI on the day
    -- 364 days earlier, and the totals of those over the target's own days
    select
        target_days.kpi_id,
        target_days.target_grain,
        target_days.target_start,
        target_days.dimension,
        target_days.dimension_value,
        target_days.target,
        target_days.is_additive,
        target_days.date_day,
        remainders.remaining_target,
        last_year.value as last_year_value,
        count(*) over (
            partition by
                target_days.kpi_id, target_days.target_grain, target_days.target_start,
                target_days.dimension, target_days.dimension_value
        ) as owned_days,
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
    inner join remainders
        on target_days.kpi_id = remainders.kpi_id
            and target_days.target_grain = remainders.target_grain
            and target_days.target_start = remainders.target_start
            and target_days.dimension = remainders.dimension
            and target_days.dimension_value = remainders.dimension_value
    left join rolled_up as last_year
        on target_days.kpi_id = last_year.kpi_id
            and last_year.grain = 'day'
            and target_days.last_year_day = last_year.period_start
            and target_days.dimension = last_year.dimension
            and target_days.dimension_value = last_year.dimension_value
    where target_days.specificity_rank = 1

),

day_targets as (

    select
        kpi_id,
        dimension,
        dimension_value,
        date_day,
        is_additive,
        case
            when not is_additive then target
            when last_year_complete_days = owned_days and last_year_total > 0
                then remaining_target * coalesce(last_year_value, 0) / last_year_total
            else remaining_target / owned_days
        end as target,
        case
            when not is_additive then 'covering_target'
            when last_year_complete_days = owned_days and last_year_total > 0 then 'spread_by_last_year'
            else 'spread_evenly'
        end as target_method
    from owned_days

),

periods as (

    select
        grains.grain,
        {{ kpi_period_start('grains.grain', 'dates') }} as period_start
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
