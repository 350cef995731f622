{#- Which KPIs the loaded data supports, for the user who brought it: one row
    per catalog KPI with whether it is computable, the inputs the data lacks
    (seed kpi_inputs against the last load), the day from which its periods
    have the history it needs, and the first complete period it has. -#}
with

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

inputs_checked as (

    select * from {{ ref('int_kpi_inputs_checked') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

complete_totals as (

    -- complete total rows, with the rank of their grain (1 = day, the finest)
    select
        kpi_id,
        period_start,
        case grain
            when 'day' then 1
            when 'week' then 2
            when 'month' then 3
            when 'quarter' then 4
            else 5
        end as grain_rank
    from kpi_values
    where
        dimension = 'total'
        and is_complete

),

finest_grains as (

    select
        kpi_id,
        min(grain_rank) as grain_rank
    from complete_totals
    group by kpi_id

),

first_complete as (

    -- the start of the first complete period of each KPI's total at its finest
    -- grain: the warm-up and the KPI's own look-back windows together
    select
        complete_totals.kpi_id,
        min(complete_totals.period_start) as first_complete_date
    from complete_totals
    inner join finest_grains
        on
            complete_totals.kpi_id = finest_grains.kpi_id
            and complete_totals.grain_rank = finest_grains.grain_rank
    group by complete_totals.kpi_id

),

final as (

    select
        definitions.kpi_id,
        definitions.kpi_name,
        definitions.layer,
        inputs_checked.is_computable,
        inputs_checked.missing_inputs,
        inputs_checked.required_inputs,
        inputs_checked.history_warm_up,
        cast(
            {{ dbt.datediff('coverage.first_activity_date', 'inputs_checked.complete_from', 'day') }}
            as {{ dbt.type_int() }}
        ) as warm_up_days,
        case
            when inputs_checked.complete_from > coverage.first_activity_date then inputs_checked.complete_from
        end as complete_from,
        first_complete.first_complete_date
    from definitions
    inner join inputs_checked
        on definitions.kpi_id = inputs_checked.kpi_id
    cross join coverage
    left join first_complete
        on definitions.kpi_id = first_complete.kpi_id

)

select * from final
