{#- Daily components of the session KPIs (one row per kpi_id, day, breakdown
    and value; the shared KPI component shape). Sessions (fct_sessions, test
    users already out) are dated by their start day and cut by traffic channel
    group, device type and country. The funnel is the ordered funnel of
    fct_sessions; cart and checkout abandonment are the share of sessions
    reaching add_to_cart (begin_checkout) that do not reach purchase, written
    as (y - x) / y so that both parts stay additive. Product views (with a
    dwell time) are dated by their session's day and cut by dwell bucket and
    device: a view converts when its product is in an order placed in the same
    session. Incremental: a run recomputes, whole, every day with an event of a
    session that has an event in the lookback window or whose test flag a
    stitch can change (macro web_days_to_rebuild, restitched 'test': no other
    column read here changes with a stitch, D289, D293), and the day of every
    session with an order placed inside the lookback window (an order can
    arrive after its session's events). The rebuild set reads the events'
    keys through a CTE of its own, so the events are not materialised whole for
    it (D283). -#}
{{
    config(
        materialized=incremental_materialization(),
        meta={'rebuilt_rows_date_column': 'date_day'},
        incremental_strategy='delete+insert',
        unique_key='date_day',
        on_schema_change='fail',
    )
}}
{%- set session_kpis = [
    {'kpi_id': 'sessions', 'numerator': 'sessions'},
    {'kpi_id': 'bounce_rate', 'numerator': 'bounce_sessions', 'denominator': 'sessions'},
    {'kpi_id': 'session_conversion_rate', 'numerator': 'purchase_sessions', 'denominator': 'sessions'},
    {'kpi_id': 'funnel_product_view_rate', 'numerator': 'product_view_sessions', 'denominator': 'sessions'},
    {'kpi_id': 'funnel_add_to_cart_rate', 'numerator': 'add_to_cart_sessions',
     'denominator': 'product_view_sessions'},
    {'kpi_id': 'funnel_begin_checkout_rate', 'numerator': 'begin_checkout_sessions',
     'denominator': 'add_to_cart_sessions'},
    {'kpi_id': 'funnel_purchase_rate', 'numerator': 'funnel_purchase_sessions',
     'denominator': 'begin_checkout_sessions'},
    {'kpi_id': 'cart_abandonment_rate', 'numerator': 'add_to_cart_sessions - funnel_purchase_sessions',
     'denominator': 'add_to_cart_sessions'},
    {'kpi_id': 'checkout_abandonment_rate', 'numerator': 'begin_checkout_sessions - funnel_purchase_sessions',
     'denominator': 'begin_checkout_sessions'},
    {'kpi_id': 'natural_traffic_share', 'numerator': 'natural_sessions', 'denominator': 'sessions'},
] -%}
{%- set session_kpi_ids = session_kpis | map(attribute='kpi_id') | list -%}
{%- set breakdowns = kpi_catalog_breakdowns(session_kpi_ids + ['product_view_conversion_by_dwell']) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

all_sessions as (

    select * from {{ ref('fct_sessions') }}

),

events as (

    select * from {{ ref('stg_web__events') }}

),

event_keys as (  -- noqa: ST03

    -- read on incremental runs only, for the rebuild set
    select * from {{ ref('stg_web__events') }}

),

customers as (  -- noqa: ST03

    -- read on incremental runs only: which customers are test accounts
    select * from {{ ref('stg_shop__customers') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

{% if is_incremental() -%}
    test_logins as (

        select
            test_login_events.session_id,
            test_login_events.anonymous_id
        from event_keys as test_login_events
        inner join customers as test_customers
            on test_login_events.customer_id = test_customers.customer_id
        where test_customers.is_test

    ),

    days_to_rebuild as (

        {{ web_days_to_rebuild('event_keys', incremental_window_start('date_day'), 'test', 'test_logins') }}
        union
        select ordering_sessions.session_date as rebuilt_date
        from all_sessions as ordering_sessions
        where ordering_sessions.session_id in (
                select window_orders.session_id
                from orders as window_orders
                where window_orders.ordered_date >= {{ incremental_window_start('date_day') }}
            )

    ),
{%- endif %}

sessions as (

    select all_sessions.*
    from all_sessions
    {% if is_incremental() -%}
        where all_sessions.session_date in (select days_to_rebuild.rebuilt_date from days_to_rebuild)
    {%- endif %}

),

session_units as (

    select
        session_date,
        channel_group as traffic_channel_group,
        device_type,
        country_code,
        1 as sessions,
        case when is_bounce then 1 else 0 end as bounce_sessions,
        case when has_purchase then 1 else 0 end as purchase_sessions,
        case when reached_product_view then 1 else 0 end as product_view_sessions,
        case when reached_add_to_cart then 1 else 0 end as add_to_cart_sessions,
        case when reached_begin_checkout then 1 else 0 end as begin_checkout_sessions,
        case when reached_purchase then 1 else 0 end as funnel_purchase_sessions,
        case
            when channel_group in ('organic_search', 'organic_social', 'direct', 'referral') then 1 else 0
        end as natural_sessions
    from sessions

),

session_aggregated as (

    {{ kpi_aggregate_by_dimensions(
        'session_units', 'session_date',
        kpi_dimensions(breakdowns, ['traffic_channel_group', 'device_type', 'country_code'], session_kpi_ids),
        ['sessions', 'bounce_sessions', 'purchase_sessions', 'product_view_sessions',
         'add_to_cart_sessions', 'begin_checkout_sessions', 'funnel_purchase_sessions',
         'natural_sessions']
    ) }}

),

bought_products as (

    -- products of the orders placed in each session
    select distinct
        orders.session_id,
        order_items.product_id
    from orders
    inner join order_items
        on orders.order_id = order_items.order_id
    where orders.session_id is not null

),

view_units as (

    select
        sessions.session_date,
        sessions.device_type,
        1 as product_views,
        case when events.dwell_ms >= 30000 then 'ge_30s' else 'lt_30s' end as dwell_bucket,
        case when bought_products.product_id is not null then 1 else 0 end as converted_product_views
    from events
    inner join sessions
        on events.session_id = sessions.session_id
    left join bought_products
        on
            events.session_id = bought_products.session_id
            and events.product_id = bought_products.product_id
    where
        events.event_name = 'product_view'
        and events.dwell_ms is not null

),

view_aggregated as (

    {{ kpi_aggregate_by_dimensions(
        'view_units', 'session_date',
        kpi_dimensions(breakdowns, ['dwell_bucket', 'device_type'], ['product_view_conversion_by_dwell']),
        ['product_views', 'converted_product_views']
    ) }}

),

final as (

    {{ kpi_components_final([
        {'relation': 'session_aggregated', 'kpis': session_kpis},
        {'relation': 'view_aggregated', 'kpis': [
            {'kpi_id': 'product_view_conversion_by_dwell', 'numerator': 'converted_product_views',
             'denominator': 'product_views'},
        ]},
    ], breakdowns) }}

)

select * from final
