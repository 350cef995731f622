{#- The order fact: every placed order of a real customer or a guest (test
    accounts left out). The session's traffic channel group joins here once
    sessions are sessionized (int_sessions_sessionized). -#}
with

orders as (

    select * from {{ ref('int_orders_enriched') }}

),

final as (

    select
        -- ids
        order_id,
        customer_id,
        session_id,

        -- dates
        ordered_at,
        ordered_date,

        -- status and flags
        status,
        is_cancelled,
        is_valid,
        is_guest,
        has_completed_refund,
        has_coupon,

        -- breakdowns
        sales_channel,
        device_type,
        customer_type,
        customer_placed_order_number,
        customer_valid_order_number,

        -- basket
        line_count,
        units,
        distinct_categories,
        refunded_units,

        -- money, in the order's currency
        currency,
        items_amount_local,
        discount_amount_local,
        merchandise_amount_local,
        shipping_amount_local,
        tax_amount_local,
        total_amount_local,
        completed_refund_amount_local,

        -- money, in the reporting currency
        rate_to_reporting,
        items_amount,
        discount_amount,
        merchandise_amount,
        shipping_amount,
        tax_amount,
        total_amount,
        cancelled_amount,
        completed_refund_amount,
        refund_excess_amount,
        net_revenue,
        gross_cogs,
        refunded_cost,
        cogs,
        gross_margin,

        -- derived
        coalesce(customer_valid_order_number = 1, false) as is_first_order

    from orders
    where not is_test

)

select * from final
