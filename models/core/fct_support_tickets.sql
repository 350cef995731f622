{#- Support tickets, except those of test customers (tickets without a customer
    are kept). The 30-second first-response flag is a chat promise: it is NULL for
    other channels and for chat tickets not answered yet, so its mean over
    non-NULL rows is first_response_within_30s_rate. Resolution flags and
    durations are NULL for unresolved tickets, so their means are over resolved
    tickets as the KPI dictionary defines them. -#}
with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

non_test_tickets as (

    select tickets.*
    from tickets
    left join customers
        on tickets.customer_id = customers.customer_id
    where not coalesce(customers.is_test, false)

),

measured as (

    select
        non_test_tickets.*,
        {{ dbt.datediff('created_at', 'first_response_at', 'second') }} as first_response_seconds,
        cast({{ dbt.datediff('created_at', 'resolved_at', 'second') }} as {{ kpi_type_double() }}) / 3600.0 as resolution_hours
    from non_test_tickets

),

final as (

    select
        -- ids
        ticket_id,
        customer_id,
        order_id,
        agent_id,

        -- attributes
        channel,
        category,
        status,

        -- timestamps (UTC) and dates (reporting time zone)
        created_at,
        created_date,
        first_response_at,
        {{ to_reporting_date('first_response_at') }} as first_response_date,
        resolved_at,
        resolved_date,

        -- response
        first_response_at is not null as has_first_response,
        first_response_seconds,
        case
            when channel = 'chat' and first_response_seconds is not null
                then first_response_seconds <= 30
        end as is_first_response_within_30s,

        -- resolution
        is_resolved,
        resolution_hours,
        case
            when is_resolved then contacts_count = 1
        end as is_first_contact_resolution,
        is_escalated,
        contacts_count,

        -- satisfaction
        csat_score,
        case
            when csat_score is not null then csat_score >= 4
        end as is_csat_positive,

        -- category flags
        category = 'pre_sale' as is_pre_sale,
        category = 'complaint' as is_complaint,
        category = 'dispute' as is_dispute

    from measured

)

select * from final
