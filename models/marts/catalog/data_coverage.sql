{#- What the loaded data covers, for the user who brought it: one row per raw
    table (column_name NULL) and per optional column of it, from the loader's
    record of the last load. A table is present when it has loaded rows, a
    column when at least one loaded row has a value in it. A table's first and
    last date are those of the column that dates its rows (UTC days). -#}
with

load_columns as (

    select * from {{ ref('stg_loader__load_columns') }}

),

table_rows as (

    select
        table_name,
        cast(null as {{ dbt.type_string() }}) as column_name,
        max(case when is_table_required then 1 else 0 end) = 1 as is_required,
        max(case when is_in_file then 1 else 0 end) = 1 as is_in_file,
        max(loaded_rows) as row_count,
        max(case when is_coverage_date then first_date end) as first_date,
        max(case when is_coverage_date then last_date end) as last_date
    from load_columns
    group by table_name

),

column_rows as (

    select
        table_name,
        column_name,
        is_required,
        is_in_file,
        non_null_rows as row_count,
        first_date,
        last_date
    from load_columns
    where not is_required

),

unioned as (

    select
        table_name,
        column_name,
        is_required,
        is_in_file,
        row_count,
        first_date,
        last_date
    from table_rows
    union all
    select
        table_name,
        column_name,
        is_required,
        is_in_file,
        row_count,
        first_date,
        last_date
    from column_rows

),

final as (

    select
        {{ surrogate_key(['table_name', 'column_name']) }} as data_coverage_id,
        table_name,
        column_name,
        case
            when column_name is null then table_name
            else {{ dbt.concat(['table_name', "'.'", 'column_name']) }}
        end as raw_input,
        is_required,
        row_count > 0 as is_present,
        is_in_file,
        row_count,
        first_date,
        last_date
    from unioned

)

select * from final
