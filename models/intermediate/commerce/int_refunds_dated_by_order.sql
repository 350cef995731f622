{#- Refunds carry no currency or date of their own that money KPIs may use:
    they are dated by their order and converted at the order day's rate, so a
    refund reduces the net revenue of the day the order was placed. A refund can
    give back at most what it refunds (its line's merchandise value, or the
    whole order's); the part above that is kept visible as excess, never
    subtracted from revenue. -#}
with

refunds as (

    select * from {{ ref('stg_shop__refunds') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

dated as (

    select
        refunds.refund_id,
        refunds.order_id,
        refunds.order_item_id,
        refunds.is_whole_order,
        refunds.is_completed,
        refunds.reason,
        refunds.quantity,
        refunds.requested_at,
        refunds.requested_date,
        refunds.refunded_at,
        refunds.refunded_date,
        orders.customer_id,
        orders.is_cancelled,
        orders.ordered_at,
        orders.ordered_date,
        orders.currency,
        orders.rate_to_reporting,
        refunds.amount_local,
        not orders.is_cancelled as is_valid_order,
        coalesce(customers.is_test, false) as is_test,
        -- the most a refund can give back: its line, or the whole order
        case
            when refunds.is_whole_order then orders.merchandise_amount_local
            else coalesce(order_items.merchandise_amount_local, 0)
        end as refundable_amount_local
    from refunds
    -- a refund of an unknown order cannot be dated by it (the loader rejects
    -- such rows, D209, and the source's relationships test checks it)
    inner join orders
        on refunds.order_id = orders.order_id
    left join order_items
        on refunds.order_item_id = order_items.order_item_id
    left join customers
        on orders.customer_id = customers.customer_id

),

with_earlier as (

    -- completed refunds already given back on the same line (or whole order):
    -- a second refund can only give back what the first one left
    select
        dated.*,
        coalesce(
            sum(case when dated.is_completed then dated.amount_local end) over (
                partition by dated.order_id, coalesce(dated.order_item_id, '')
                order by dated.refunded_at, dated.refund_id
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as earlier_refunded_amount_local
    from dated

),

capped as (

    select
        with_earlier.*,
        least(
            with_earlier.amount_local,
            greatest(with_earlier.refundable_amount_local - with_earlier.earlier_refunded_amount_local, 0)
        ) as amount_capped_local
    from with_earlier

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
        is_cancelled,
        is_valid_order,
        is_test,

        -- timestamps (UTC) and dates (reporting time zone)
        requested_at,
        requested_date,
        refunded_at,
        refunded_date,
        ordered_at,
        ordered_date,

        -- money, in the order's currency
        currency,
        amount_local,
        refundable_amount_local,
        amount_capped_local,
        rate_to_reporting,
        amount_local - amount_capped_local as excess_amount_local,

        -- money, in the reporting currency at the order day's rate (rate_to_reporting)
        {{ to_reporting_currency('amount_local') }} as amount,
        {{ to_reporting_currency('amount_capped_local') }} as amount_capped,
        {{ to_reporting_currency('amount_local - amount_capped_local') }} as excess_amount

    from capped

)

select * from final
