{#- Each order line with its revenue, its cost and what was refunded of it, all
    dated by the order. Merchandise and refunds are in the order's currency and
    converted at the order day's rate; the product's unit cost is in the
    product's currency and converted at that currency's rate on the order day.
    A whole-order refund is spread over the order's lines in proportion to their
    merchandise value (evenly when the order's merchandise is zero) and returns
    every unit of every line. -#}
with

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

exchange_rates as (

    select * from {{ ref('stg_finance__exchange_rates') }}

),

refunds as (

    select * from {{ ref('int_refunds_dated_by_order') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

line_refunds as (

    -- completed refunds naming a line; a refund without a quantity returns the whole line
    select
        order_item_id,
        count(*) as refunds_count,
        sum(amount_local) as amount_local,
        sum(amount_capped_local) as amount_capped_local,
        sum(quantity) as quantity,
        max(case when quantity is null then 1 else 0 end) as has_unquantified_refund
    from refunds
    where is_completed and not is_whole_order
    group by order_item_id

),

order_refunds as (

    -- completed refunds of whole orders
    select
        order_id,
        count(*) as refunds_count,
        sum(amount_local) as amount_local,
        sum(amount_capped_local) as amount_capped_local
    from refunds
    where is_completed and is_whole_order
    group by order_id

),

items as (

    select
        order_items.*,
        orders.customer_id,
        orders.is_cancelled,
        orders.is_guest,
        orders.ordered_at,
        orders.ordered_date,
        orders.currency,
        orders.rate_to_reporting,
        products.currency as product_currency,
        products.unit_cost_local as product_unit_cost_local,
        not orders.is_cancelled as is_valid,
        coalesce(customers.is_test, false) as is_test,
        coalesce(products.category, 'unknown') as category,
        {{ reporting_rate('products.currency', 'product_rates.rate_to_reporting') }} as product_rate_to_reporting,
        -- the line's share of the order, for spreading whole-order refunds
        case
            when sum(order_items.merchandise_amount_local) over (partition by order_items.order_id) <> 0
                then
                    order_items.merchandise_amount_local
                    / sum(order_items.merchandise_amount_local) over (partition by order_items.order_id)
            else 1.0 / count(*) over (partition by order_items.order_id)
        end as order_share
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    left join products
        on order_items.product_id = products.product_id
    -- the product currency's rate on the order's reporting day
    left join exchange_rates as product_rates
        on products.currency = product_rates.currency
            and orders.ordered_date >= product_rates.valid_from
            and orders.ordered_date < product_rates.valid_to
    left join customers
        on orders.customer_id = customers.customer_id

),

refunded as (

    select
        items.*,
        coalesce(line_refunds.refunds_count, 0) + coalesce(order_refunds.refunds_count, 0) as completed_refunds_count,
        coalesce(line_refunds.amount_local, 0)
        + coalesce(order_refunds.amount_local, 0) * items.order_share as refund_requested_amount_local,
        -- never more than the line's merchandise value
        least(
            coalesce(line_refunds.amount_capped_local, 0)
            + coalesce(order_refunds.amount_capped_local, 0) * items.order_share,
            greatest(items.merchandise_amount_local, 0)
        ) as refund_amount_local_raw,
        cast(
            case
                when order_refunds.order_id is not null then items.quantity
                when line_refunds.has_unquantified_refund = 1 then items.quantity
                when line_refunds.order_item_id is not null then least(line_refunds.quantity, items.quantity)
                else 0
            end as {{ dbt.type_bigint() }}
        ) as refunded_quantity
    from items
    left join line_refunds
        on items.order_item_id = line_refunds.order_item_id
    left join order_refunds
        on items.order_id = order_refunds.order_id

),

converted as (

    select
        refunded.*,
        {{ to_reporting_currency('merchandise_amount_local') }} as merchandise_amount,
        {{ to_reporting_currency('refund_amount_local_raw') }} as refunded_amount,
        {{ to_reporting_currency('refund_requested_amount_local - refund_amount_local_raw') }}
            as refund_excess_amount,
        {{ to_reporting_currency('quantity * product_unit_cost_local', 'product_rate_to_reporting') }} as cogs,
        {{ to_reporting_currency('refunded_quantity * product_unit_cost_local', 'product_rate_to_reporting') }}
            as refunded_cost
    from refunded

),

final as (

    select
        -- ids
        order_item_id,
        order_id,
        product_id,
        customer_id,

        -- order attributes and flags
        ordered_at,
        ordered_date,
        is_cancelled,
        is_valid,
        is_guest,
        is_test,
        category,

        -- quantities
        quantity,
        refunded_quantity,

        -- money, in the order's currency
        currency,
        unit_price_local,
        line_amount_local,
        discount_amount_local,
        merchandise_amount_local,
        cast(refund_amount_local_raw as {{ dbt.type_numeric() }}) as refunded_amount_local,
        cast(refund_requested_amount_local - refund_amount_local_raw as {{ dbt.type_numeric() }})
            as refund_excess_amount_local,

        -- money, in the reporting currency (order day's rates)
        rate_to_reporting,
        product_currency,
        product_unit_cost_local,
        product_rate_to_reporting,
        merchandise_amount,
        refunded_amount,
        refund_excess_amount,
        cogs,
        refunded_cost,

        -- refund flag, and what the line leaves once cancellation and completed refunds are taken off
        completed_refunds_count > 0 as has_completed_refund,
        case when is_valid then merchandise_amount - refunded_amount else 0 end as net_revenue,
        case when is_valid then cogs - refunded_cost else 0 end as net_cogs,
        case
            when is_valid then (merchandise_amount - refunded_amount) - (cogs - refunded_cost)
            else 0
        end as gross_margin

    from converted

)

select * from final
