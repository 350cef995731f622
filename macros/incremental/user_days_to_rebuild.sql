{#- The (user_id, activity_date) pairs before window_start that an incremental
    run of int_user_days_aggregated recomputes (D294): the days on which a
    session the run rebuilds (sessions_to_rebuild, 'every') has an event, each
    with every user the session can have belonged to before the run or belongs
    to now - its user now, 'anon:' with each anonymous id among its events, each
    customer seen logged in in it, and each customer those ids were ever seen
    logged in as (an id is stitched to one of them, and a late, earlier login
    can move the stitch from one to another, D196).
    A session not rebuilt keeps its user and its events, so no other pair
    before the window changes; the days from window_start on are recomputed
    whole. sessions, stitched_ids, events: relations or CTEs of
    int_sessions_sessionized (already rebuilt by this run),
    int_anonymous_ids_stitched and stg_web__events. -#}
{% macro user_days_to_rebuild(sessions, stitched_ids, events, window_start) -%}
    with

    rebuilt_events as (

        select
            session_events.session_id,
            session_events.event_date,
            session_events.anonymous_id,
            session_events.customer_id
        from {{ events }} as session_events
        where session_events.session_id in (
            {{ sessions_to_rebuild(sessions, stitched_ids, window_start) }}
        )

    ),

    session_ids as (

        select distinct
            id_events.session_id,
            id_events.anonymous_id
        from rebuilt_events as id_events

    ),

    session_users as (

        select
            rebuilt_sessions.session_id,
            rebuilt_sessions.user_id
        from {{ sessions }} as rebuilt_sessions
        where rebuilt_sessions.session_id in (select rebuilt_ids.session_id from session_ids as rebuilt_ids)
        union
        select
            anonymous_users.session_id,
            'anon:' || anonymous_users.anonymous_id as user_id
        from session_ids as anonymous_users
        union
        select
            login_events.session_id,
            login_events.customer_id as user_id
        from rebuilt_events as login_events
        where login_events.customer_id is not null
        union
        select
            id_logins.session_id,
            id_login_events.customer_id as user_id
        from session_ids as id_logins
        inner join {{ events }} as id_login_events
            on id_logins.anonymous_id = id_login_events.anonymous_id
        where id_login_events.customer_id is not null

    )

    select distinct
        session_users.user_id,
        rebuilt_events.event_date as activity_date
    from rebuilt_events
    inner join session_users
        on rebuilt_events.session_id = session_users.session_id
    where rebuilt_events.event_date < {{ window_start }}
{%- endmacro %}
