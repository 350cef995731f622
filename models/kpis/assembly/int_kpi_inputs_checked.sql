{#- Whether the loaded data carries what each KPI needs, and from when its
    history is complete: one row per catalog KPI. An input (seed kpi_inputs)
    is a table, present when it has loaded rows, or a table.column, present
    when a loaded row has a value in it. A KPI with a missing input is not
    computable: kpi_values NULLs every value of it. Its complete_from is the
    first day whose periods have the history the KPI needs (catalog column
    history_warm_up, dates from int_data_coverage_computed). -#}
with

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

kpi_inputs as (

    select * from {{ ref('kpi_inputs') }}

),

load_columns as (

    select * from {{ ref('stg_loader__load_columns') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

available_inputs as (

    -- every table (present with loaded rows) and table.column (present with a value)
    select
        table_name as raw_input,
        max(case when loaded_rows > 0 then 1 else 0 end) = 1 as is_present
    from load_columns
    group by table_name
    union all
    select
        raw_input,
        is_present
    from load_columns

),

checked_inputs as (

    select
        kpi_inputs.kpi_id,
        kpi_inputs.raw_input,
        -- an input the contract does not know is never present
        coalesce(available_inputs.is_present, false) as is_present
    from kpi_inputs
    left join available_inputs
        on kpi_inputs.raw_input = available_inputs.raw_input

),

missing_inputs as (

    select
        kpi_id,
        {{ sorted_listagg('raw_input', "', '") }} as missing_inputs
    from checked_inputs
    where not is_present
    group by kpi_id

),

required_inputs as (

    select
        kpi_id,
        {{ sorted_listagg('raw_input', "', '") }} as required_inputs
    from checked_inputs
    group by kpi_id

),

final as (

    select
        definitions.kpi_id,
        missing_inputs.missing_inputs,
        required_inputs.required_inputs,
        definitions.is_computable and missing_inputs.kpi_id is null as is_computable,
        nullif(trim(definitions.history_warm_up), '') as history_warm_up,
        case nullif(trim(definitions.history_warm_up), '')
            when 'customer_history' then coverage.history_complete_from
            when 'attribution_lookback' then coverage.attribution_complete_from
            else coverage.first_activity_date
        end as complete_from
    from definitions
    cross join coverage
    left join missing_inputs
        on definitions.kpi_id = missing_inputs.kpi_id
    left join required_inputs
        on definitions.kpi_id = required_inputs.kpi_id

)

select * from final
