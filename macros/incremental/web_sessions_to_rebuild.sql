{#- The sessions an incremental run rebuilds: every session with an event on or
    after window_start (all its events, also those before the window), and
    every session of an anonymous id whose first login falls on or after
    window_start. A first login stitches the id to a customer in all its
    sessions, also months back (DECISIONLOG D27); a later login never changes
    the stitching (the first login wins), so only ids first seen logged in
    inside the window need their whole history rebuilt (D196). -#}
{% macro web_sessions_to_rebuild(events, window_start) -%}
    select window_events.session_id
    from {{ events }} as window_events
    where window_events.event_date >= {{ window_start }}
    union
    select restitched_events.session_id
    from {{ events }} as restitched_events
    where restitched_events.anonymous_id in (
        select login_events.anonymous_id
        from {{ events }} as login_events
        where login_events.customer_id is not null
        group by login_events.anonymous_id
        having min(login_events.event_date) >= {{ window_start }}
    )
{%- endmacro %}
