{#- The order fact: every placed order of a real customer or a guest (test
    accounts left out), with the traffic channel of the session it was placed
    in. Sessions are unique per session_id, so the join cannot fan out.
    Incremental: a run rebuilds the orders int_orders_enriched rebuilds and the
    orders of the sessions with an event in the lookback window (their traffic
    channel can change with a late event; macro sessions_to_rebuild, D292). A
    stitch (an old session's id first seen logged in) changes neither the
    channel nor the campaign an order takes from its session, so those
    sessions' orders are not rebuilt (D289). -#}
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

    select * from {{ ref('int_orders_enriched') }}

),

sessions as (

    select * from {{ ref('int_sessions_sessionized') }}

),

raw_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

refunds as (

    select * from {{ ref('stg_shop__refunds') }}

),

session_keys as (  -- noqa: ST03

    -- read on incremental runs only, for the rebuild set (a CTE of its own: D283)
    select * from {{ ref('int_sessions_sessionized') }}

),

orders as (

    select all_orders.*
    from all_orders
    {% if is_incremental() -%}
        where
            all_orders.order_id in (
                {{ orders_to_rebuild('raw_orders', 'refunds', incremental_window_start('ordered_date')) }}
            )
            or all_orders.session_id in (
                {{ sessions_to_rebuild('session_keys', none, incremental_window_start('ordered_date'), 'none') }}
            )
    {%- endif %}

),

orders_with_traffic as (

    select
        orders.*,
        sessions.utm_campaign as session_utm_campaign,
        case
            when orders.session_id is null then 'no_session'
            when sessions.session_id is null then 'unknown_session'
            else sessions.channel_group
        end as traffic_channel_group
    from orders
    left join sessions
        on orders.session_id = sessions.session_id

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
        traffic_channel_group,
        session_utm_campaign,
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

    from orders_with_traffic
    where not is_test

)

select * from final
