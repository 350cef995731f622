{#- One row per session. Sessions are the tracker's session_id, not re-split by
    an inactivity timeout: the tracker already closes a session after 30 idle
    minutes, and re-splitting would break the link to orders.session_id. The
    user is the stitched customer (DECISIONLOG D27) for every session of an
    anonymous id ever seen logged in, also sessions before the login. Landing
    page, traffic source, device and country come from the session's first
    event (ties on event_at: lowest event_id). The funnel is ordered: a step
    counts only when its event happens at or after the step before was reached. -#}
with

events as (

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

ordered_events as (

    select
        session_id,
        event_id,
        anonymous_id,
        customer_id,
        event_name,
        event_at,
        order_id,
        dwell_ms,
        row_number() over (partition by session_id order by event_at, event_id) as event_rank,
        row_number() over (
            partition by session_id, event_name order by event_at, event_id
        ) as name_rank,
        row_number() over (
            partition by session_id, customer_id is null order by event_at, event_id
        ) as login_rank
    from events

),

first_events as (

    select
        events.session_id,
        events.anonymous_id,
        events.page_url as landing_page_url,
        events.page_type as landing_page_type,
        events.referrer,
        events.utm_source,
        events.utm_medium,
        events.utm_campaign,
        events.utm_content,
        events.device_type,
        events.country_code,
        {{ surrogate_key(['events.utm_source', 'events.utm_medium', 'events.utm_campaign',
                          'events.utm_content', 'events.referrer']) }} as traffic_source_id
    from events
    inner join ordered_events
        on events.event_id = ordered_events.event_id
    where ordered_events.event_rank = 1

),

session_totals as (

    select
        session_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        count(*) as event_count,
        sum(case when event_name = 'product_view' then 1 else 0 end) as product_view_count,
        coalesce(sum(case when event_name = 'product_view' then dwell_ms end), 0) as product_view_dwell_ms,
        max(case when event_name = 'purchase' then 1 else 0 end) = 1 as has_purchase,
        max(case when event_name = 'purchase' and name_rank = 1 then order_id end) as purchase_order_id,
        -- the customer logged in first in the session (used when the id is not stitched)
        max(case when customer_id is not null and login_rank = 1 then customer_id end) as event_customer_id
    from ordered_events
    group by session_id

),

product_view_step as (

    select
        session_id,
        min(event_at) as product_view_reached_at
    from ordered_events
    where event_name = 'product_view'
    group by session_id

),

add_to_cart_step as (

    select
        ordered_events.session_id,
        min(ordered_events.event_at) as add_to_cart_reached_at
    from ordered_events
    inner join product_view_step
        on ordered_events.session_id = product_view_step.session_id
    where
        ordered_events.event_name = 'add_to_cart'
        and ordered_events.event_at >= product_view_step.product_view_reached_at
    group by ordered_events.session_id

),

begin_checkout_step as (

    select
        ordered_events.session_id,
        min(ordered_events.event_at) as begin_checkout_reached_at
    from ordered_events
    inner join add_to_cart_step
        on ordered_events.session_id = add_to_cart_step.session_id
    where
        ordered_events.event_name = 'begin_checkout'
        and ordered_events.event_at >= add_to_cart_step.add_to_cart_reached_at
    group by ordered_events.session_id

),

purchase_step as (

    select
        ordered_events.session_id,
        min(ordered_events.event_at) as purchase_reached_at
    from ordered_events
    inner join begin_checkout_step
        on ordered_events.session_id = begin_checkout_step.session_id
    where
        ordered_events.event_name = 'purchase'
        and ordered_events.event_at >= begin_checkout_step.begin_checkout_reached_at
    group by ordered_events.session_id

),

identified as (

    select
        first_events.session_id,
        first_events.anonymous_id,
        coalesce(stitched_ids.customer_id, session_totals.event_customer_id) as customer_id,
        coalesce(stitched_ids.is_test_customer, customers.is_test, false) as is_test_user
    from first_events
    inner join session_totals
        on first_events.session_id = session_totals.session_id
    left join stitched_ids
        on first_events.anonymous_id = stitched_ids.anonymous_id
    left join customers
        on session_totals.event_customer_id = customers.customer_id

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
        product_view_step.product_view_reached_at is not null as reached_product_view,
        add_to_cart_step.add_to_cart_reached_at is not null as reached_add_to_cart,
        begin_checkout_step.begin_checkout_reached_at is not null as reached_begin_checkout,
        purchase_step.purchase_reached_at is not null as reached_purchase,
        product_view_step.product_view_reached_at,
        add_to_cart_step.add_to_cart_reached_at,
        begin_checkout_step.begin_checkout_reached_at,
        purchase_step.purchase_reached_at,

        -- purchase (any purchase event, in or out of funnel order)
        session_totals.has_purchase,
        session_totals.purchase_order_id
    from first_events
    inner join session_totals
        on first_events.session_id = session_totals.session_id
    inner join identified
        on first_events.session_id = identified.session_id
    left join traffic_sources
        on first_events.traffic_source_id = traffic_sources.traffic_source_id
    left join product_view_step
        on first_events.session_id = product_view_step.session_id
    left join add_to_cart_step
        on first_events.session_id = add_to_cart_step.session_id
    left join begin_checkout_step
        on first_events.session_id = begin_checkout_step.session_id
    left join purchase_step
        on first_events.session_id = purchase_step.session_id

)

select * from final
