{#- Test accounts and everything they did appear nowhere in marts. Checked here
    independently of int_sessions_sessionized's flag: a session fails when its
    anonymous id is stitched to a test customer or when its customer is a test
    account. -#}
with

fct_sessions as (

    select * from {{ ref('fct_sessions') }}

),

stitched_ids as (

    select * from {{ ref('int_anonymous_ids_stitched') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

test_customers as (

    select customer_id
    from customers
    where is_test

),

final as (

    select
        fct_sessions.session_id,
        fct_sessions.anonymous_id,
        fct_sessions.customer_id
    from fct_sessions
    left join stitched_ids
        on fct_sessions.anonymous_id = stitched_ids.anonymous_id
    left join test_customers as stitched_test
        on stitched_ids.customer_id = stitched_test.customer_id
    left join test_customers as session_test
        on fct_sessions.customer_id = session_test.customer_id
    where
        stitched_test.customer_id is not null
        or session_test.customer_id is not null

)

select * from final
