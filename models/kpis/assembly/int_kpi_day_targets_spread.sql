{#- The target of each day that an explicit target of the kpi_targets seed
    covers (DECISIONLOG D48), per KPI and breakdown: the day belongs to the
    most specific target covering it (month over quarter over year). Additive
    (sum) KPIs: the owning target spreads what it leaves for its own days
    (int_kpi_targets_netted) by the KPI's daily values 364 days (same
    weekdays) earlier when those are complete and sum above zero, else
    evenly. Other KPIs: the day carries the covering target itself. -#}
with

explicit_targets as (

    select * from {{ ref('int_kpi_targets_netted') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

rolled_up as (

    select * from {{ ref('int_kpi_values_rolled_up') }}

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
        explicit_targets.remaining_target,
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
        target_days.dimension,
        target_days.dimension_value,
        target_days.target,
        target_days.remaining_target,
        target_days.is_additive,
        target_days.date_day,
        last_year.value as last_year_value,
        count(*) over own_days as owned_days,
        sum(case when last_year.is_complete then 1 else 0 end) over own_days as last_year_complete_days,
        sum(last_year.value) over own_days as last_year_total
    from target_days
    left join rolled_up as last_year
        on target_days.kpi_id = last_year.kpi_id
            and last_year.grain = 'day'
            and target_days.last_year_day = last_year.period_start
            and target_days.dimension = last_year.dimension
            and target_days.dimension_value = last_year.dimension_value
    where target_days.specificity_rank = 1
    window own_days as (
        partition by
            target_days.kpi_id, target_days.target_grain, target_days.target_start,
            target_days.dimension, target_days.dimension_value
    )

),

final as (

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

)

select * from final
