{#- The payment fact: every payment attempt, failed ones included, except
    those for orders of test customers. An attempt for an order the shop does
    not know is kept: nothing says it is a test's. -#}
with

payments as (

    select * from {{ ref('stg_shop__payments') }}

),

orders as (

    select * from {{ ref('int_orders_enriched') }}

),

final as (

    select
        -- ids
        payments.payment_id,
        payments.order_id,

        -- attributes and flags
        payments.payment_method,
        payments.status,
        payments.is_succeeded,

        -- timestamps (UTC) and dates (reporting time zone)
        payments.created_at,
        payments.created_date,

        -- money, in the payment's currency
        payments.currency,
        payments.amount_local,

        -- money, in the reporting currency (latest rate on or before the attempt's day)
        payments.rate_to_reporting,
        payments.amount

    from payments
    left join orders
        on payments.order_id = orders.order_id
    where not coalesce(orders.is_test, false)

)

select * from final
