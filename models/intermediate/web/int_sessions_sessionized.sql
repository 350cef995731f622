{#- One row per session. Sessions are the tracker's session_id, not re-split by
    an inactivity timeout: the tracker already closes a session after 30 idle
    minutes, and re-splitting would break the link to orders.session_id. The
    user is the stitched customer (DECISIONLOG D27) for every session of an
    anonymous id ever seen logged in, also sessions before the login. Landing
    page, traffic source, device and country come from the session's first
    event (ties on event_at: lowest event_id). The funnel is ordered: a step
    counts only when its event happens at or after the step before was reached.
    Incremental: a run rebuilds every session with an event inside the lookback
    window and every session of an anonymous id first seen logged in then
    (macro web_sessions_to_rebuild), from all of those sessions' events. -#}
{{
    config(
        materialized=incremental_materialization(),
        meta={'rebuilt_rows_date_column': 'session_date'},
        incremental_strategy='delete+insert',
        unique_key='session_id',
        on_schema_change='fail',
    )
}}

with

event_keys as (  -- noqa: ST03

    -- read on incremental runs only: the rebuild set is found from these keys, so that
    -- the masked events are not materialised whole for it (D283)
    select * from {{ ref('stg_web__events') }}

),

all_events as (

    select * from {{ ref('stg_web__events') }}

),

event_details as (  -- noqa: ST03

    -- read on full builds only: the landing event's columns, read by event_id from a CTE of
    -- their own, so that the events kept for the other reads hold none of them (D291)
    select * from {{ ref('stg_web__events') }}

),

stitched_ids as (

    select * from {{ ref('int_anonymous_ids_stitched') }}

),

traffic_sources as (

    select * from {{ ref('int_traffic_sources_grouped') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

events as (

    select all_events.*
    from all_events
    {% if is_incremental() -%}
        where all_events.session_id in (
                {{ web_sessions_to_rebuild('event_keys', incremental_window_start('session_date')) }}
            )
    {%- endif %}

),

first_events as (

    {{ first_session_event('events', [
        'session_id',
        'anonymous_id',
        'page_url as landing_page_url',
        'page_type as landing_page_type',
        'referrer',
        'utm_source',
        'utm_medium',
        'utm_campaign',
        'utm_content',
        'device_type',
        'country_code',
        surrogate_key(['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'referrer'])
        ~ ' as traffic_source_id',
    ], details='events' if is_incremental() else 'event_details') }}

),

session_totals as (

    select
        session_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        count(*) as event_count,
        count(case when event_name = 'product_view' then 1 end) as product_view_count,
        cast(coalesce(sum(case when event_name = 'product_view' then dwell_ms end), 0) as {{ dbt.type_bigint() }})
            as product_view_dwell_ms,
        count(case when event_name = 'purchase' then 1 end) > 0 as has_purchase
    from events
    group by session_id

),

first_purchases as (

    -- the order of the session's first purchase event
    {{ first_session_event('events', ['session_id', 'order_id as purchase_order_id'], where="event_name = 'purchase'") }}

),

first_logins as (

    -- the customer first logged in during the session (used when the id is not stitched)
    {{ first_session_event('events', ['session_id', 'customer_id as event_customer_id'], where='customer_id is not null') }}

),

funnel_steps as (

    -- a step counts only when it happens at or after the step before was reached
    {{ ordered_funnel_reached('events', ['product_view', 'add_to_cart', 'begin_checkout', 'purchase']) }}

),

identified as (

    select
        first_events.session_id,
        first_events.anonymous_id,
        coalesce(stitched_ids.customer_id, first_logins.event_customer_id) as customer_id,
        coalesce(stitched_ids.is_test_customer, customers.is_test, false) as is_test_user
    from first_events
    left join first_logins
        on first_events.session_id = first_logins.session_id
    left join stitched_ids
        on first_events.anonymous_id = stitched_ids.anonymous_id
    left join customers
        on first_logins.event_customer_id = customers.customer_id

),

final as (

    select
        -- ids
        first_events.session_id,
        first_events.anonymous_id,
        identified.customer_id,
        -- the two id spaces cannot collide: anonymous users carry a prefix
        coalesce(identified.customer_id, 'anon:' || first_events.anonymous_id) as user_id,
        identified.is_test_user,

        -- time
        session_totals.started_at,
        session_totals.ended_at,
        {{ to_reporting_date('session_totals.started_at') }} as session_date,
        {{ dbt.datediff('session_totals.started_at', 'session_totals.ended_at', 'second') }}
            as duration_seconds,

        -- landing and traffic source (first event)
        first_events.landing_page_url,
        first_events.landing_page_type,
        first_events.referrer,
        first_events.utm_source,
        first_events.utm_medium,
        first_events.utm_campaign,
        first_events.utm_content,
        coalesce(traffic_sources.channel_group, 'unassigned') as channel_group,

        -- context
        first_events.device_type,
        first_events.country_code,

        -- engagement
        session_totals.event_count,
        session_totals.event_count = 1 as is_bounce,
        session_totals.product_view_count,
        session_totals.product_view_dwell_ms,

        -- ordered funnel
        funnel_steps.product_view_reached_at is not null as reached_product_view,
        funnel_steps.add_to_cart_reached_at is not null as reached_add_to_cart,
        funnel_steps.begin_checkout_reached_at is not null as reached_begin_checkout,
        funnel_steps.purchase_reached_at is not null as reached_purchase,
        funnel_steps.product_view_reached_at,
        funnel_steps.add_to_cart_reached_at,
        funnel_steps.begin_checkout_reached_at,
        funnel_steps.purchase_reached_at,

        -- purchase (any purchase event, in or out of funnel order)
        session_totals.has_purchase,
        first_purchases.purchase_order_id
    from first_events
    inner join session_totals
        on first_events.session_id = session_totals.session_id
    inner join identified
        on first_events.session_id = identified.session_id
    left join traffic_sources
        on first_events.traffic_source_id = traffic_sources.traffic_source_id
    left join first_purchases
        on first_events.session_id = first_purchases.session_id
    left join funnel_steps
        on first_events.session_id = funnel_steps.session_id

)

select * from final
