{#- Marketing activity sign-ups, except those of test customers. -#}
with

participants as (

    select * from {{ ref('stg_marketing__activity_participants') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

final as (

    select
        -- ids
        participants.activity_participant_id,
        participants.activity_id,
        participants.customer_id,

        -- timestamps (UTC) and dates (reporting time zone)
        participants.registered_at,
        participants.registered_date,
        participants.participated_at,
        participants.participated_date,

        -- flags
        participants.has_participated

    from participants
    left join customers
        on participants.customer_id = customers.customer_id
    where not coalesce(customers.is_test, false)

)

select * from final
