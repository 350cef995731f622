{#- No row of a test account may reach the operational fact tables: shipments of
    their orders, their tickets, reviews, NPS answers, activity sign-ups, and the
    experiment assignments of anonymous ids stitched to them. Returns one row per
    offending fact row, naming the table. -#}
with

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

stitched_ids as (

    select * from {{ ref('int_anonymous_ids_stitched') }}

),

fct_shipments as (

    select * from {{ ref('fct_shipments') }}

),

fct_support_tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

fct_reviews as (

    select * from {{ ref('fct_reviews') }}

),

fct_nps_responses as (

    select * from {{ ref('fct_nps_responses') }}

),

fct_activity_participants as (

    select * from {{ ref('fct_activity_participants') }}

),

fct_experiment_assignments as (

    select * from {{ ref('fct_experiment_assignments') }}

),

test_customers as (

    select customer_id
    from customers
    where is_test

),

test_anonymous_ids as (

    select anonymous_id
    from stitched_ids
    where is_test_customer

),

test_orders as (

    select orders.order_id
    from orders
    inner join test_customers
        on orders.customer_id = test_customers.customer_id

),

offending as (

    select
        'fct_shipments' as table_name,
        fct_shipments.shipment_id as row_id
    from fct_shipments
    where fct_shipments.order_id in (select test_orders.order_id from test_orders)
        or fct_shipments.customer_id in (select test_customers.customer_id from test_customers)

    union all

    select
        'fct_support_tickets' as table_name,
        ticket_id as row_id
    from fct_support_tickets
    where customer_id in (select test_customers.customer_id from test_customers)

    union all

    select
        'fct_reviews' as table_name,
        review_id as row_id
    from fct_reviews
    where customer_id in (select test_customers.customer_id from test_customers)

    union all

    select
        'fct_nps_responses' as table_name,
        nps_response_id as row_id
    from fct_nps_responses
    where customer_id in (select test_customers.customer_id from test_customers)

    union all

    select
        'fct_activity_participants' as table_name,
        activity_participant_id as row_id
    from fct_activity_participants
    where customer_id in (select test_customers.customer_id from test_customers)

    union all

    select
        'fct_experiment_assignments' as table_name,
        experiment_assignment_id as row_id
    from fct_experiment_assignments
    where anonymous_id in (select test_anonymous_ids.anonymous_id from test_anonymous_ids)
        or customer_id in (select test_customers.customer_id from test_customers)

)

select * from offending
