{#- The lines of an order must add up to its merchandise value, in the order's
    currency and in the reporting currency, or line-level and order-level
    revenue (and category breakdowns) disagree. Returns the orders that differ
    by more than a cent, including orders without lines. -#}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

line_totals as (

    select
        order_id,
        sum(merchandise_amount_local) as merchandise_amount_local,
        sum(merchandise_amount) as merchandise_amount,
        sum(net_revenue) as net_revenue
    from order_items
    group by order_id

),

compared as (

    select
        orders.order_id,
        orders.merchandise_amount_local as order_merchandise_amount_local,
        orders.merchandise_amount as order_merchandise_amount,
        orders.net_revenue as order_net_revenue,
        coalesce(line_totals.merchandise_amount_local, 0) as line_merchandise_amount_local,
        coalesce(line_totals.merchandise_amount, 0) as line_merchandise_amount,
        coalesce(line_totals.net_revenue, 0) as line_net_revenue
    from orders
    left join line_totals
        on orders.order_id = line_totals.order_id

)

select * from compared
where abs(order_merchandise_amount_local - line_merchandise_amount_local) > 0.01
    or abs(order_merchandise_amount - line_merchandise_amount) > 0.01
    or abs(order_net_revenue - line_net_revenue) > 0.01
