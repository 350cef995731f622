{#- What the last load carried, per contract table and column: the input of the
    data-coverage report (marts.data_coverage) and of the KPI input check. A
    column counts as present when at least one loaded row has a value in it. -#}
with

source as (

    select * from {{ source('loader', 'load_columns') }}

),

renamed as (

    select
        -- ids: the natural key is (table_name, column_name)
        {{ surrogate_key(['table_name', 'column_name']) }} as load_column_id,
        table_name,
        column_name,
        {{ dbt.concat(['table_name', "'.'", 'column_name']) }} as raw_input,

        -- what the contract says and what the file had
        is_table_required,
        is_required,
        is_in_file,
        is_coverage_date,

        -- what was loaded
        loaded_rows,
        non_null_rows,
        non_null_rows > 0 as is_present,
        first_date,
        last_date,
        loaded_at

    from source

)

select * from renamed
