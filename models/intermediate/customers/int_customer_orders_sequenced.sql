{#- Each registered, non-test customer's placed orders in time order, with the
    valid-order sequence (first, second, ...), the gap since the previous valid
    order and the customer's first valid order (day and month, reporting time
    zone), which makes the cohort. Guests have no history and test accounts
    are left out. -#}
with

orders as (

    select * from {{ ref('int_orders_enriched') }}

),

customer_orders as (

    select
        order_id,
        customer_id,
        is_valid,
        is_cancelled,
        ordered_at,
        ordered_date,
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as ordered_month,
        customer_placed_order_number,
        customer_valid_order_number,
        net_revenue,
        gross_margin,
        max(case when is_valid then ordered_date end) over (
            partition by customer_id
            order by ordered_at, order_id
            rows between unbounded preceding and 1 preceding
        ) as previous_valid_order_date,
        min(case when is_valid then ordered_date end) over (partition by customer_id) as first_valid_order_date
    from orders
    where customer_id is not null
        and not is_test

),

final as (

    select
        -- ids
        order_id,
        customer_id,

        -- flags
        is_valid,
        is_cancelled,

        -- timestamps (UTC) and dates (reporting time zone)
        ordered_at,
        ordered_date,
        ordered_month,

        -- sequence
        customer_placed_order_number,
        customer_valid_order_number,
        previous_valid_order_date,
        {{ dbt.datediff('previous_valid_order_date', 'ordered_date', 'day') }} as days_since_previous_valid_order,
        first_valid_order_date,
        cast({{ dbt.date_trunc('month', 'first_valid_order_date') }} as date) as first_valid_order_month,

        -- money (reporting currency; 0 for a cancelled order)
        net_revenue,
        gross_margin

    from customer_orders

)

select * from final
