{#- Which KPIs the loaded data supports, for the user who brought it: one row
    per catalog KPI with whether it is computable, the inputs the data lacks
    (seed kpi_inputs against the last load) and the day from which its
    periods have the history it needs. -#}
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
        end as complete_from
    from definitions
    inner join inputs_checked
        on definitions.kpi_id = inputs_checked.kpi_id
    cross join coverage

)

select * from final
