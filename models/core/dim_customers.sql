{#- The customer dimension: every real (non-test) customer account with its
    acquisition channel group and its value so far, over valid orders. -#}
with

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

channel_mapping as (

    select * from {{ ref('acquisition_channel_mapping') }}

),

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

order_totals as (

    select
        customer_id,
        min(case when is_valid then ordered_date end) as first_valid_order_date,
        max(case when is_valid then ordered_date end) as last_valid_order_date,
        count(case when is_valid then 1 end) as lifetime_valid_orders,
        count(case when is_cancelled then 1 end) as lifetime_cancelled_orders,
        sum(net_revenue) as lifetime_net_revenue,
        sum(gross_margin) as lifetime_gross_margin
    from customer_orders
    group by customer_id

),

final as (

    select
        -- ids
        customers.customer_id,
        customers.email_hash,

        -- attributes
        customers.signup_at,
        customers.signup_date,
        customers.country_code,
        customers.gender,
        customers.birth_year,
        customers.acquisition_channel,
        -- the user-editable seed decides the group; text it does not know is unassigned
        coalesce(channel_mapping.channel_group, 'unassigned') as acquisition_channel_group,

        -- value so far (valid orders)
        order_totals.first_valid_order_date,
        cast({{ dbt.date_trunc('month', 'order_totals.first_valid_order_date') }} as date) as first_valid_order_month,
        order_totals.last_valid_order_date,
        coalesce(order_totals.lifetime_valid_orders, 0) as lifetime_valid_orders,
        coalesce(order_totals.lifetime_cancelled_orders, 0) as lifetime_cancelled_orders,
        coalesce(order_totals.lifetime_valid_orders, 0) > 0 as is_buyer,
        coalesce(order_totals.lifetime_valid_orders, 0) > 1 as is_repeat_buyer,
        coalesce(order_totals.lifetime_net_revenue, 0) as lifetime_net_revenue,
        coalesce(order_totals.lifetime_gross_margin, 0) as lifetime_gross_margin

    from customers
    left join channel_mapping
        on customers.acquisition_channel_normalised = channel_mapping.acquisition_channel
    left join order_totals
        on customers.customer_id = order_totals.customer_id
    where not customers.is_test

)

select * from final
