{#- Last non-direct click attribution: one row per placed order (fct_orders),
    credited to the latest session of the order's user that is not direct and
    started within var attribution_lookback_days (default 30) before the order,
    up to the order time. The user is the order's customer (sessions carry the
    stitched customer as user_id), or for a guest order the user of the session
    the order was placed in. An order without such a session is credited to
    direct. Reused by the marketing KPIs (roas, campaign_roi) and attribution. -#}
{%- set lookback_days = setting_value('attribution_lookback_days') %}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

order_users as (

    select
        orders.order_id,
        orders.session_id,
        orders.ordered_at,
        orders.ordered_date,
        coalesce(orders.customer_id, order_sessions.user_id) as user_id,
        {{ dbt.dateadd('day', -lookback_days, 'orders.ordered_at') }} as look_back_from
    from orders
    left join sessions as order_sessions
        on orders.session_id = order_sessions.session_id

),

touches as (

    -- non-direct sessions of the same user in the look-back window, latest first
    select
        order_users.order_id,
        sessions.session_id,
        sessions.started_at,
        sessions.channel_group,
        sessions.utm_source,
        sessions.utm_medium,
        sessions.utm_campaign,
        sessions.utm_content,
        row_number() over (
            partition by order_users.order_id
            order by sessions.started_at desc, sessions.session_id desc
        ) as touch_rank
    from order_users
    inner join sessions
        on
            order_users.user_id = sessions.user_id
            and order_users.ordered_at >= sessions.started_at
            and order_users.look_back_from <= sessions.started_at
    where sessions.channel_group <> 'direct'

),

final as (

    select
        -- ids
        order_users.order_id,
        order_users.user_id,
        order_users.session_id,
        touches.session_id as attributed_session_id,

        -- time
        order_users.ordered_at,
        order_users.ordered_date,
        touches.started_at as attributed_session_started_at,

        -- credited traffic source
        touches.utm_source as attributed_utm_source,
        touches.utm_medium as attributed_utm_medium,
        touches.utm_campaign as attributed_utm_campaign,
        touches.utm_content as attributed_utm_content,
        coalesce(touches.channel_group, 'direct') as attributed_channel_group,
        touches.session_id is null as is_direct
    from order_users
    left join touches
        on
            order_users.order_id = touches.order_id
            and touches.touch_rank = 1

)

select * from final
