{#- The sessions an incremental run rebuilds: every session of every anonymous id
    with an event on or after window_start. A whole id, not just the session
    with the new event, because a login stitches the id to a customer in all its
    sessions, also months back (DECISIONLOG D27). -#}
{% macro web_sessions_to_rebuild(events, window_start) -%}
    select distinct rebuilt_events.session_id
    from {{ events }} as rebuilt_events
    where rebuilt_events.anonymous_id in (
        select window_events.anonymous_id
        from {{ events }} as window_events
        where window_events.event_date >= {{ window_start }}
    )
{%- endmacro %}
