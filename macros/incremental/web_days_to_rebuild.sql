{#- The days an incremental run recomputes in a daily aggregate of web
    activity: every day with an event of a session the run rebuilds (macro
    web_sessions_to_rebuild, with its restitched and test_logins). That covers
    each rebuilt session's start day, also of a session that has since turned
    into a test user's and left the facts, and each day a restitched session's
    events fall on. -#}
{% macro web_days_to_rebuild(events, window_start, restitched='every', test_logins=none) -%}
    select distinct day_events.event_date as rebuilt_date
    from {{ events }} as day_events
    where day_events.session_id in (
        {{ web_sessions_to_rebuild(events, window_start, restitched, test_logins) }}
    )
{%- endmacro %}
