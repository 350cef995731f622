with

source as (

    select * from {{ source('org', 'headcount') }}

),

renamed as (

    select
        -- ids: the natural key is (month, team)
        {{ surrogate_key(['month', 'team']) }} as headcount_id,
        lower(trim({{ mask_pii('team') }})) as team,

        -- period: the calendar month that starts on this day
        month as month_start_date,

        -- full-time equivalents
        cast(headcount as {{ dbt.type_numeric() }}) as headcount_fte

    from source

)

select * from renamed
