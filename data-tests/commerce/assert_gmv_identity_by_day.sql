{#- GMV - net revenue = cancelled value + refunded value must hold for every
    order day. Each side comes from a different fact so that a fan-out, a lost
    line or a refund counted twice shows: GMV from the order lines, net revenue
    and cancelled value from the orders, refunded value from the refunds
    (completed, capped, of valid orders). Returns the days that differ by more
    than a cent. -#}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

refunds as (

    select * from {{ ref('fct_refunds') }}

),

gmv_by_day as (

    select
        ordered_date,
        sum(merchandise_amount) as gmv
    from order_items
    group by ordered_date

),

orders_by_day as (

    select
        ordered_date,
        sum(net_revenue) as net_revenue,
        sum(case when is_cancelled then merchandise_amount else 0 end) as cancelled_value
    from orders
    group by ordered_date

),

refunds_by_day as (

    select
        ordered_date,
        sum(amount_capped) as refunded_value
    from refunds
    where is_completed
        and is_valid_order
    group by ordered_date

),

compared as (

    select
        orders_by_day.ordered_date,
        orders_by_day.net_revenue,
        orders_by_day.cancelled_value,
        coalesce(gmv_by_day.gmv, 0) as gmv,
        coalesce(refunds_by_day.refunded_value, 0) as refunded_value
    from orders_by_day
    left join gmv_by_day
        on orders_by_day.ordered_date = gmv_by_day.ordered_date
    left join refunds_by_day
        on orders_by_day.ordered_date = refunds_by_day.ordered_date

)

select * from compared
where abs((gmv - net_revenue) - (cancelled_value + refunded_value)) > 0.01
