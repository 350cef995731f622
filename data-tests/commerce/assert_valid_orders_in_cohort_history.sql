{#- Every valid order of a non-test customer in a complete month must be in the
    cohort history: per customer and month, the valid orders of fct_orders equal
    those of int_customer_months_cohorted, and the customer's cohort is the
    month of their first valid order. Returns the customer-months that differ. -#}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

customer_months as (

    select * from {{ ref('int_customer_months_cohorted') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

first_orders as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'min(ordered_date)') }} as date) as first_month
    from orders
    where is_valid
        and customer_id is not null
    group by customer_id

),

order_months as (

    select
        orders.customer_id,
        cast({{ dbt.date_trunc('month', 'orders.ordered_date') }} as date) as activity_month,
        count(*) as valid_orders
    from orders
    cross join coverage
    where orders.is_valid
        and orders.customer_id is not null
        and orders.ordered_date < {{ dbt.dateadd('month', 1, 'coverage.last_complete_month_start') }}
    group by orders.customer_id, cast({{ dbt.date_trunc('month', 'orders.ordered_date') }} as date)

),

history_months as (

    select
        customer_id,
        activity_month,
        cohort_month,
        valid_orders
    from customer_months
    where valid_orders > 0

),

compared as (

    select
        order_months.valid_orders as fct_valid_orders,
        history_months.valid_orders as history_valid_orders,
        first_orders.first_month,
        history_months.cohort_month,
        coalesce(order_months.customer_id, history_months.customer_id) as customer_id,
        coalesce(order_months.activity_month, history_months.activity_month) as activity_month
    from order_months
    full outer join history_months
        on order_months.customer_id = history_months.customer_id
            and order_months.activity_month = history_months.activity_month
    left join first_orders
        on coalesce(order_months.customer_id, history_months.customer_id) = first_orders.customer_id

)

select * from compared
where fct_valid_orders is null
    or history_valid_orders is null
    or fct_valid_orders <> history_valid_orders
    or first_month <> cohort_month
