with

source as (

    select * from {{ source('support', 'tickets') }}

),

renamed as (

    select
        -- ids
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,

        -- attributes
        {{ normalise_enum('channel', ['chat', 'email', 'phone', 'social'], missing='unknown') }} as channel,
        {{ normalise_enum(
            'category', ['pre_sale', 'after_sale', 'complaint', 'dispute', 'other'], missing='other'
        ) }} as category,
        {{ normalise_enum('status', ['open', 'pending', 'resolved', 'closed'], missing='unknown') }} as status,

        -- flags and measures
        coalesce(escalated, false) as is_escalated,
        resolved_at is not null as is_resolved,
        cast(contacts_count as {{ dbt.type_int() }}) as contacts_count,
        cast(csat_score as {{ dbt.type_int() }}) as csat_score,

        -- timestamps (UTC) and dates (reporting time zone)
        created_at,
        {{ to_reporting_date('created_at') }} as created_date,
        first_response_at,
        resolved_at,
        {{ to_reporting_date('resolved_at') }} as resolved_date

    from source

)

select * from renamed
