{#- One row per registered customer and day with at least one valid order,
    with the customer's next such day (NULL for the last): the order history
    the non-additive customer KPIs (active customers, churn, reactivation)
    walk through. -#}
with

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

valid_customer_days as (

    select distinct
        customer_id,
        ordered_date
    from customer_orders
    where is_valid

),

final as (

    select
        customer_id,
        ordered_date,
        lead(ordered_date) over (partition by customer_id order by ordered_date) as next_ordered_date
    from valid_customer_days

)

select * from final
