{#- The placed orders of fct_orders with what the order KPIs read: one row per
    order with its breakdown columns (its own, and the ordering customer's
    country, gender and acquisition channel group from dim_customers; NULL for
    a guest) and its amounts and status flags. A view: the incremental
    int_order_kpis_aggregated reads only the order days it rebuilds. -#}
{{ config(materialized='view') }}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_date,
        orders.sales_channel,
        orders.traffic_channel_group,
        orders.device_type,
        orders.customer_type,
        customers.country_code,
        customers.gender as customer_gender,
        customers.acquisition_channel_group,
        orders.units,
        orders.merchandise_amount,
        orders.net_revenue,
        orders.cogs,
        orders.completed_refund_amount,
        orders.is_cancelled,
        orders.is_valid,
        orders.has_completed_refund,
        orders.distinct_categories,
        orders.is_first_order,
        orders.customer_valid_order_number
    from orders
    left join customers
        on orders.customer_id = customers.customer_id

)

select * from final
