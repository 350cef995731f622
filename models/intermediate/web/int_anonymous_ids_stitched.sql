{#- Identity stitching: which customer an anonymous id (browser or device) belongs
    to. An anonymous id seen logged in as a customer counts as that customer in
    all its sessions, before and after the login. When one id was seen logged in
    as several customers (a shared device), it belongs to the customer it was
    FIRST seen logged in as: that answer never changes when later data arrives,
    so stitched history stays stable (DECISIONLOG D27). -#}
with

events as (

    select * from {{ ref('stg_web__events') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

logins as (

    -- one row per anonymous id and customer it was seen logged in as
    select
        anonymous_id,
        customer_id,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at
    from events
    where customer_id is not null
    group by anonymous_id, customer_id

),

ranked as (

    select
        anonymous_id,
        customer_id,
        first_seen_at,
        last_seen_at,
        row_number() over (
            partition by anonymous_id order by first_seen_at, customer_id
        ) as login_rank,
        count(*) over (partition by anonymous_id) as customers_seen
    from logins

),

final as (

    select
        ranked.anonymous_id,
        ranked.customer_id,
        ranked.first_seen_at as first_identified_at,
        ranked.customers_seen,
        ranked.customers_seen > 1 as has_identity_conflict,
        coalesce(customers.is_test, false) as is_test_customer
    from ranked
    left join customers
        on ranked.customer_id = customers.customer_id
    where ranked.login_rank = 1

)

select * from final
