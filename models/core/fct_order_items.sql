{#- The order line fact: every line of orders of real customers and guests.
    Incremental: a run rebuilds the lines of the orders int_orders_enriched
    rebuilds (macro orders_to_rebuild). -#}
{{
    config(
        materialized=incremental_materialization(),
        meta={'rebuilt_rows_date_column': 'ordered_date'},
        incremental_strategy='delete+insert',
        unique_key='order_item_id',
        on_schema_change='fail',
    )
}}

with

all_order_items as (

    select * from {{ ref('int_order_items_costed') }}

),

raw_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

refunds as (

    select * from {{ ref('stg_shop__refunds') }}

),

order_items as (

    select all_order_items.*
    from all_order_items
    {% if is_incremental() -%}
        where all_order_items.order_id in (
                {{ orders_to_rebuild('raw_orders', 'refunds', incremental_window_start('ordered_date')) }}
            )
    {%- endif %}

),

final as (

    select
        -- ids
        order_item_id,
        order_id,
        product_id,
        customer_id,

        -- dates
        ordered_at,
        ordered_date,

        -- flags and breakdowns
        is_cancelled,
        is_valid,
        is_guest,
        has_completed_refund,
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
        refunded_amount_local,
        refund_excess_amount_local,

        -- cost, in the product's currency
        product_currency,
        product_unit_cost_local,

        -- money, in the reporting currency
        rate_to_reporting,
        product_rate_to_reporting,
        merchandise_amount,
        refunded_amount,
        refund_excess_amount,
        cogs,
        refunded_cost,
        net_cogs,
        net_revenue,
        gross_margin

    from order_items
    where not is_test

)

select * from final
