{#- Test accounts and everything they did appear nowhere in the commerce marts:
    not as customers or customer segments, not through their orders, order
    lines or refunds, and not in the cohort history behind
    cohort_retention_monthly. Returns each mart row that belongs to a test
    account. -#}
with

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

dim_customers as (

    select * from {{ ref('dim_customers') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

customer_segments as (

    select * from {{ ref('customer_segments') }}

),

customer_months as (

    select * from {{ ref('int_customer_months_cohorted') }}

),

test_customers as (

    select customer_id
    from customers
    where is_test

),

mart_customers as (

    select
        'dim_customers' as model_name,
        customer_id,
        customer_id as row_id
    from dim_customers
    union all
    select
        'fct_orders' as model_name,
        customer_id,
        order_id as row_id
    from orders
    union all
    select
        'fct_order_items' as model_name,
        customer_id,
        order_item_id as row_id
    from order_items
    union all
    select
        'fct_refunds' as model_name,
        customer_id,
        refund_id as row_id
    from refunds
    union all
    select
        'customer_segments' as model_name,
        customer_id,
        customer_id as row_id
    from customer_segments
    union all
    select
        'int_customer_months_cohorted' as model_name,
        customer_id,
        customer_id as row_id
    from customer_months

)

select mart_customers.*
from mart_customers
inner join test_customers
    on mart_customers.customer_id = test_customers.customer_id
