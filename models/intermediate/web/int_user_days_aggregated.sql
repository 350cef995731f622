{#- Daily user activity: one row per user and day on which the user was active
    (kpi_dictionary: any web event or any placed order that day), for DAU / WAU /
    MAU and retention. Web activity is dated by each event (a session across
    midnight makes its user active on both days); sessions are counted on the day
    they start. Orders count for their customer (any status; guest orders have
    no user). Test users and everything they did are left out. Incremental: a
    run recomputes, whole, every day of the lookback window, and before it only
    the (user, day) pairs of the sessions int_sessions_sessionized rebuilds (a
    login can move an old session to another user): a pre-hook deletes those
    pairs, so that one left without activity goes too, and the strategy
    window_delete_insert replaces the window's days whole and only inserts the
    pairs, whose days keep their other rows (macros user_days_to_rebuild,
    delete_user_days_to_rebuild; D294). -#}
{{
    config(
        materialized=incremental_materialization(),
        meta={'rebuilt_rows_date_column': 'activity_date'},
        incremental_strategy='window_delete_insert',
        unique_key='activity_date',
        on_schema_change='fail',
    )
}}

with

all_events as (

    select * from {{ ref('stg_web__events') }}

),

sessions as (

    -- every session, not only those of the days rebuilt: an event's user is its session's
    select * from {{ ref('int_sessions_sessionized') }}

),

session_keys as (  -- noqa: ST03

    -- read on incremental runs only, for the rebuild set (a CTE of its own: D283)
    select * from {{ ref('int_sessions_sessionized') }}

),

stitched_ids as (  -- noqa: ST03

    -- read on incremental runs only, for the rebuild set
    select * from {{ ref('int_anonymous_ids_stitched') }}

),

event_keys as (  -- noqa: ST03

    -- read on incremental runs only, for the rebuild set
    select * from {{ ref('stg_web__events') }}

),

all_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

{% if is_incremental() -%}
    pairs_to_rebuild as (

        -- before the window: the pairs the pre-hook deleted (the same macro)
        {{ user_days_to_rebuild('session_keys', 'stitched_ids', 'event_keys', incremental_window_start('activity_date')) }}

    ),

    pair_sessions as (

        -- every session of those users: a pair's day may hold sessions the run did not rebuild
        select session_keys.session_id
        from session_keys
        where session_keys.user_id in (select pairs_to_rebuild.user_id from pairs_to_rebuild)

    ),
{%- endif %}

events as (

    select all_events.*
    from all_events
    {% if is_incremental() -%}
        where
            all_events.event_date >= {{ incremental_window_start('activity_date') }}
            or (
                all_events.session_id in (select pair_sessions.session_id from pair_sessions)
                and all_events.event_date in (select pairs_to_rebuild.activity_date from pairs_to_rebuild)
            )
    {%- endif %}

),

orders as (

    select all_orders.*
    from all_orders
    {% if is_incremental() -%}
        where
            all_orders.ordered_date >= {{ incremental_window_start('activity_date') }}
            or all_orders.customer_id in (select pairs_to_rebuild.user_id from pairs_to_rebuild)
    {%- endif %}

),

web_event_days as (

    select
        sessions.user_id,
        events.event_date as activity_date,
        max(sessions.customer_id) as customer_id,
        count(*) as events
    from events
    inner join sessions
        on events.session_id = sessions.session_id
    where not sessions.is_test_user
    group by sessions.user_id, events.event_date

),

session_days as (

    -- on an incremental run only the sessions of the window's days and of the users
    -- of the pairs rebuilt; final keeps only those days and pairs
    select
        user_id,
        session_date as activity_date,
        count(*) as sessions
    from sessions
    where
        not is_test_user
        {%- if is_incremental() %}
            and (
                session_date >= {{ incremental_window_start('activity_date') }}
                or session_id in (select pair_sessions.session_id from pair_sessions)
            )
        {%- endif %}
    group by user_id, session_date

),

order_days as (

    select
        orders.customer_id as user_id,
        orders.ordered_date as activity_date,
        orders.customer_id,
        count(*) as orders
    from orders
    left join customers
        on orders.customer_id = customers.customer_id
    where
        not orders.is_guest
        and orders.customer_id is not null
        and not coalesce(customers.is_test, false)
    group by orders.customer_id, orders.ordered_date

),

user_days as (

    select
        user_id,
        activity_date
    from web_event_days
    union
    select
        user_id,
        activity_date
    from order_days

),

final as (

    select
        user_days.user_id,
        user_days.activity_date,
        coalesce(web_event_days.customer_id, order_days.customer_id) as customer_id,
        web_event_days.user_id is not null as has_web_activity,
        order_days.user_id is not null as has_order,
        coalesce(web_event_days.events, 0) as events,
        coalesce(session_days.sessions, 0) as sessions,
        coalesce(order_days.orders, 0) as orders
    from user_days
    left join web_event_days
        on
            user_days.user_id = web_event_days.user_id
            and user_days.activity_date = web_event_days.activity_date
    left join session_days
        on
            user_days.user_id = session_days.user_id
            and user_days.activity_date = session_days.activity_date
    left join order_days
        on
            user_days.user_id = order_days.user_id
            and user_days.activity_date = order_days.activity_date
    {%- if is_incremental() %}
        -- the window's days whole, and before it exactly the pairs the pre-hook deleted
        where
            user_days.activity_date >= {{ incremental_window_start('activity_date') }}
            or exists (
                select 1
                from pairs_to_rebuild
                where
                    pairs_to_rebuild.user_id = user_days.user_id
                    and pairs_to_rebuild.activity_date = user_days.activity_date
            )
    {%- endif %}

)

select * from final
