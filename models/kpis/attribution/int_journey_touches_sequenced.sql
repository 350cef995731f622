{#- Attribution journeys: one row per journey and touch. A converting journey
    is one placed order (fct_orders) with the sessions of its user that started
    within var attribution_lookback_days before the order, up to the order
    time: the rule of int_orders_last_non_direct_attributed, so that last
    non-direct credit computed from these journeys equals it. An order without
    such a session keeps one placeholder touch (no session, channel `direct`).
    Sessions in no order's journey form non-converting journeys: a user's
    consecutive such sessions, a new journey starting after a converting
    session or a gap of more than the look-back. -#}
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
        orders.ordered_at,
        coalesce(orders.customer_id, order_sessions.user_id) as user_id,
        {{ dbt.dateadd('day', -lookback_days, 'orders.ordered_at') }} as look_back_from
    from orders
    left join sessions as order_sessions
        on orders.session_id = order_sessions.session_id

),

order_touches as (

    select
        order_users.order_id,
        order_users.user_id,
        order_users.ordered_at,
        sessions.session_id,
        sessions.started_at,
        sessions.channel_group
    from order_users
    inner join sessions
        on
            order_users.user_id = sessions.user_id
            and order_users.ordered_at >= sessions.started_at
            and order_users.look_back_from <= sessions.started_at

),

converting_sessions as (

    select distinct session_id
    from order_touches

),

user_sessions as (

    -- every session of a user, flagged when it is part of an order's journey
    select
        sessions.session_id,
        sessions.user_id,
        sessions.started_at,
        sessions.channel_group,
        converting_sessions.session_id is not null as is_in_journey,
        lag(sessions.started_at) over (
            partition by sessions.user_id
            order by sessions.started_at, sessions.session_id
        ) as previous_started_at,
        lag(converting_sessions.session_id is not null) over (
            partition by sessions.user_id
            order by sessions.started_at, sessions.session_id
        ) as is_previous_in_journey
    from sessions
    left join converting_sessions
        on sessions.session_id = converting_sessions.session_id

),

non_converting_sessions as (

    select
        session_id,
        user_id,
        started_at,
        channel_group,
        case
            when previous_started_at is null then 1
            when is_previous_in_journey then 1
            when {{ dbt.dateadd('day', lookback_days, 'previous_started_at') }} < started_at then 1
            else 0
        end as is_journey_start
    from user_sessions
    where not is_in_journey

),

non_converting_numbered as (

    select
        session_id,
        user_id,
        started_at,
        channel_group,
        sum(is_journey_start) over (
            partition by user_id
            order by started_at, session_id
            rows between unbounded preceding and current row
        ) as user_journey_number
    from non_converting_sessions

),

journey_touches as (

    -- converting touches, placeholder touches of orders without a session, non-converting touches
    select
        order_id as journey_id,
        order_id,
        user_id,
        true as is_converting,
        true as has_session,
        session_id,
        started_at,
        channel_group,
        ordered_at
    from order_touches
    union all
    select
        order_users.order_id as journey_id,
        order_users.order_id,
        order_users.user_id,
        true as is_converting,
        false as has_session,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_timestamp() }}) as started_at,
        'direct' as channel_group,
        order_users.ordered_at
    from order_users
    left join order_touches
        on order_users.order_id = order_touches.order_id
    where order_touches.order_id is null
    union all
    select
        {{ dbt.concat([
            "'nc:'", 'user_id', "':'", 'cast(user_journey_number as ' ~ dbt.type_string() ~ ')'
        ]) }} as journey_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        user_id,
        false as is_converting,
        true as has_session,
        session_id,
        started_at,
        channel_group,
        cast(null as {{ dbt.type_timestamp() }}) as ordered_at
    from non_converting_numbered

),

final as (

    select
        -- ids
        journey_id,
        order_id,
        user_id,
        session_id,

        -- position in the journey (ties on start time: lower session_id first)
        row_number() over (
            partition by journey_id
            order by started_at, session_id
        ) as touch_number,
        count(*) over (partition by journey_id) as touch_count,

        -- touch
        channel_group,
        started_at,
        ordered_at,
        -- a placeholder touch is at the conversion
        coalesce(
            cast({{ dbt.datediff('started_at', 'ordered_at', 'second') }} as {{ kpi_type_double() }}) / 86400.0,
            case when is_converting then 0.0 end
        ) as days_before_conversion,

        -- flags
        is_converting,
        has_session
    from journey_touches

)

select * from final
