{#- One row per placed order with its money in both currencies, its costed
    lines rolled up, and its place in the customer's history. Net revenue,
    COGS and margin count valid orders only (a cancelled order contributes its
    merchandise to GMV and nothing else), and completed refunds are dated by
    the order, so GMV - net revenue = cancelled value + refunded value for any
    set of order days. Incremental: a run rebuilds the orders placed, changed or
    refunded inside the lookback window and every other order of their
    customers (macro orders_to_rebuild). -#}
{{
    config(
        materialized=incremental_materialization(),
        meta={'rebuilt_rows_date_column': 'ordered_date'},
        incremental_strategy='delete+insert',
        unique_key='order_id',
        on_schema_change='fail',
    )
}}

with

all_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

refunds as (

    select * from {{ ref('stg_shop__refunds') }}

),

order_items as (

    select * from {{ ref('int_order_items_costed') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

orders as (

    select all_orders.*
    from all_orders
    {% if is_incremental() -%}
        where all_orders.order_id in (
                {{ orders_to_rebuild('all_orders', 'refunds', incremental_window_start('ordered_date')) }}
            )
    {%- endif %}

),

item_totals as (

    -- aggregate the lines before joining them to their order
    select
        order_id,
        count(*) as line_count,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as units,
        count(distinct category) as distinct_categories,
        max(case when has_completed_refund then 1 else 0 end) as has_completed_refund,
        cast(sum(refunded_quantity) as {{ dbt.type_bigint() }}) as refunded_units,
        sum(refunded_amount_local) as refunded_amount_local,
        sum(refunded_amount) as refunded_amount,
        sum(refund_excess_amount) as refund_excess_amount,
        sum(cogs) as gross_cogs,
        sum(refunded_cost) as refunded_cost
    from order_items
    group by order_id

),

joined as (

    -- refunds and costs count for valid orders only
    select
        orders.*,
        not orders.is_cancelled as is_valid,
        coalesce(customers.is_test, false) as is_test,
        coalesce(item_totals.has_completed_refund, 0) = 1 as has_completed_refund,
        coalesce(item_totals.line_count, 0) as line_count,
        coalesce(item_totals.units, 0) as units,
        coalesce(item_totals.distinct_categories, 0) as distinct_categories,
        coalesce(item_totals.refunded_units, 0) as refunded_units,
        case when orders.is_cancelled then orders.merchandise_amount else 0 end as cancelled_amount,
        case
            when not orders.is_cancelled then coalesce(item_totals.refunded_amount_local, 0) else 0
        end as valid_refund_amount_local,
        case when not orders.is_cancelled then coalesce(item_totals.refunded_amount, 0) else 0 end as valid_refund_amount,
        case
            when not orders.is_cancelled then coalesce(item_totals.refund_excess_amount, 0) else 0
        end as valid_refund_excess_amount,
        case when not orders.is_cancelled then coalesce(item_totals.gross_cogs, 0) else 0 end as valid_gross_cogs,
        case when not orders.is_cancelled then coalesce(item_totals.refunded_cost, 0) else 0 end as valid_refunded_cost
    from orders
    left join item_totals
        on orders.order_id = item_totals.order_id
    left join customers
        on orders.customer_id = customers.customer_id

),

sequenced as (

    -- the order's place among its customer's orders (ties on time broken by order_id)
    select
        joined.*,
        case
            when joined.customer_id is not null
                then row_number() over (partition by joined.customer_id order by joined.ordered_at, joined.order_id)
        end as customer_placed_order_number,
        case
            when joined.customer_id is not null
                then coalesce(
                        count(case when joined.is_valid then 1 end) over (
                            partition by joined.customer_id
                            order by joined.ordered_at, joined.order_id
                            rows between unbounded preceding and 1 preceding
                        ),
                        0
                    )
        end as customer_prior_valid_orders
    from joined

),

measured as (

    select
        sequenced.*,
        case when sequenced.is_valid then sequenced.customer_prior_valid_orders + 1 end as customer_valid_order_number,
        case
            when sequenced.customer_id is null then 'guest'
            when sequenced.customer_prior_valid_orders = 0 then 'new'
            else 'returning'
        end as customer_type
    from sequenced

),

final as (

    select
        -- ids
        order_id,
        customer_id,
        session_id,

        -- status and flags
        status,
        is_cancelled,
        is_valid,
        is_guest,
        is_test,
        has_completed_refund,

        -- attributes
        sales_channel,
        device_type,
        has_coupon,

        -- timestamps (UTC) and dates (reporting time zone)
        ordered_at,
        ordered_date,

        -- customer history
        customer_placed_order_number,
        customer_valid_order_number,
        customer_type,

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
        valid_refund_amount_local as completed_refund_amount_local,

        -- money, in the reporting currency (order day's rate)
        rate_to_reporting,
        items_amount,
        discount_amount,
        merchandise_amount,
        shipping_amount,
        tax_amount,
        total_amount,
        cancelled_amount,
        valid_refund_amount as completed_refund_amount,
        valid_refund_excess_amount as refund_excess_amount,
        valid_gross_cogs as gross_cogs,
        valid_refunded_cost as refunded_cost,
        case when is_valid then merchandise_amount - valid_refund_amount else 0 end as net_revenue,
        valid_gross_cogs - valid_refunded_cost as cogs,
        case
            when is_valid then (merchandise_amount - valid_refund_amount) - (valid_gross_cogs - valid_refunded_cost)
            else 0
        end as gross_margin

    from measured

)

select * from final
