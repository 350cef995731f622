{#- The sessions an incremental run rebuilds: every session with an event on or
    after window_start (all its events, also those before the window), and the
    sessions of anonymous ids whose first login falls on or after window_start.
    A first login stitches the id to a customer in all its sessions, also months
    back (DECISIONLOG D27); a later login never changes the stitching (the first
    login wins), so only ids first seen logged in inside the window can have
    their whole history changed (D196).

    restitched says whether a model needs those older sessions (D289):
    - 'every': all of them; a stitch changes a session's user and customer, and
      whether it is a test user's (sessions, user days, daily aggregates of
      sessions).
    - 'none': none; the model reads no column a stitch changes (the traffic
      channel and campaign of an order's session). -#}
{% macro web_sessions_to_rebuild(events, window_start, restitched='every') -%}
    {%- if restitched not in ('every', 'none') -%}
        {{ exceptions.raise_compiler_error(
            "web_sessions_to_rebuild: restitched = '" ~ restitched ~ "' is not 'every' or 'none'"
        ) }}
    {%- endif -%}
    select window_events.session_id
    from {{ events }} as window_events
    where window_events.event_date >= {{ window_start }}
    {%- if restitched == 'every' %}
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
    {%- endif %}
{%- endmacro %}
