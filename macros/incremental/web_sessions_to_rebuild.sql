{#- The sessions an incremental run rebuilds: every session with an event on or
    after window_start (all its events, also those before the window), and the
    sessions of anonymous ids whose first login falls on or after window_start.
    A first login stitches the id to a customer in all its sessions, also months
    back (DECISIONLOG D27); a later login never changes the stitching (the first
    login wins), so only ids first seen logged in inside the window can have
    their whole history changed (D196).

    restitched says which of those older sessions a model needs (D289, D293):
    - 'every': all of them; the model's rows depend on who the user is
      (sessions, user days).
    - 'test': only those whose test flag can change, for a model that reads a
      session for nothing but whether it is a test user's (daily aggregates of
      sessions). A session is a test user's when the customer its id is
      stitched to is a test account, or, unstitched, when its first in-session
      login is a test customer's (D41: that login can be by another anonymous
      id); an id is only stitched to a customer it logged in as, though a late,
      earlier login can move the stitch (D196). So: the sessions with an event
      logged in by a test customer, and the sessions of ids with one.
      test_logins: the CTE of the events logged in by a test customer
      (session_id, anonymous_id), as sessions_to_rebuild takes it.
    - 'none': none; the model reads no column a stitch changes (the traffic
      channel of an order's session). -#}
{% macro web_sessions_to_rebuild(events, window_start, restitched='every', test_logins=none) -%}
    {%- if restitched not in ('every', 'test', 'none') -%}
        {{ exceptions.raise_compiler_error(
            "web_sessions_to_rebuild: restitched = '" ~ restitched ~ "' is not 'every', 'test' or 'none'"
        ) }}
    {%- endif -%}
    {%- if restitched == 'test' and test_logins is none -%}
        {{ exceptions.raise_compiler_error(
            "web_sessions_to_rebuild: restitched = 'test' needs test_logins (the CTE of the events "
            ~ "logged in by a test customer: session_id, anonymous_id)"
        ) }}
    {%- endif -%}
    select window_events.session_id
    from {{ events }} as window_events
    where window_events.event_date >= {{ window_start }}
    {%- if restitched != 'none' %}
        union
        select restitched_events.session_id
        from {{ events }} as restitched_events
        where
            restitched_events.anonymous_id in (
                select login_events.anonymous_id
                from {{ events }} as login_events
                where login_events.customer_id is not null
                group by login_events.anonymous_id
                having min(login_events.event_date) >= {{ window_start }}
            )
            {%- if restitched == 'test' %}
                and (
                    restitched_events.session_id in (
                        select session_test_logins.session_id from {{ test_logins }} as session_test_logins
                    )
                    or restitched_events.anonymous_id in (
                        select id_test_logins.anonymous_id from {{ test_logins }} as id_test_logins
                    )
                )
            {%- endif %}
    {%- endif %}
{%- endmacro %}
