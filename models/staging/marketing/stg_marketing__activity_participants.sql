with

source as (

    select * from {{ source('marketing', 'activity_participants') }}

),

renamed as (

    select
        -- ids: the natural key is (activity_id, customer_id)
        {{ surrogate_key(['activity_id', 'customer_id']) }} as activity_participant_id,
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,

        -- flags
        participated_at is not null as has_participated,

        -- timestamps (UTC) and dates (reporting time zone)
        registered_at,
        {{ to_reporting_date('registered_at') }} as registered_date,
        participated_at,
        {{ to_reporting_date('participated_at') }} as participated_date

    from source

)

select * from renamed
