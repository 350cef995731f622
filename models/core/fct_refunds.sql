{#- The refund fact: every refund request of orders of real customers and
    guests, dated by its order for money KPIs. -#}
with

refunds as (

    select * from {{ ref('int_refunds_dated_by_order') }}

),

final as (

    select
        -- ids
        refund_id,
        order_id,
        order_item_id,
        customer_id,

        -- attributes and flags
        reason,
        quantity,
        is_whole_order,
        is_completed,
        is_valid_order,

        -- dates
        requested_at,
        requested_date,
        refunded_at,
        refunded_date,
        ordered_date,

        -- money, in the order's currency
        currency,
        amount_local,
        amount_capped_local,
        excess_amount_local,

        -- money, in the reporting currency (order day's rate)
        rate_to_reporting,
        amount,
        amount_capped,
        excess_amount

    from refunds
    where not is_test

)

select * from final
