{#- The sessions an incremental run rebuilds: every session with an event on or
    after window_start (all its events, also those before the window), and the
    sessions of anonymous ids whose first login falls on or after window_start.
    A first login stitches the id to a customer in all its sessions, also months
    back (DECISIONLOG D27); a later login never changes the stitching (the first
    login wins), so only ids first seen logged in inside the window can have
    their whole history changed (D196).

    restitched says which of those older sessions a model needs (D289):
    - 'every': all of them; the model's rows depend on who the user is
      (sessions, user days).
    - 'test': only those of ids seen logged in as a test customer (customers:
      the CTE with customer_id and is_test), the only way a stitch changes a
      session that is not read for its user: the session becomes a test user's
      and leaves the facts (daily aggregates of sessions).
    - 'none': none; the model reads no column a stitch changes (the traffic
      channel of an order's session). -#}
{% macro web_sessions_to_rebuild(events, window_start, restitched='every', customers=none) -%}
    {%- if restitched not in ('every', 'test', 'none') -%}
        {{ exceptions.raise_compiler_error(
            "web_sessions_to_rebuild: restitched = '" ~ restitched ~ "' is not 'every', 'test' or 'none'"
        ) }}
    {%- endif -%}
    {%- if restitched == 'test' and customers is none -%}
        {{ exceptions.raise_compiler_error(
            "web_sessions_to_rebuild: restitched = 'test' needs customers (the CTE with customer_id and is_test)"
        ) }}
    {%- endif -%}
    select window_events.session_id
    from {{ events }} as window_events
    where window_events.event_date >= {{ window_start }}
    {%- if restitched != 'none' %}
        union
        select restitched_events.session_id
        from {{ events }} as restitched_events
        where restitched_events.anonymous_id in (
            select login_events.anonymous_id
            from {{ events }} as login_events
            {%- if restitched == 'test' %}
                left join {{ customers }} as login_customers
                    on login_events.customer_id = login_customers.customer_id
            {%- endif %}
            where login_events.customer_id is not null
            group by login_events.anonymous_id
            having
                min(login_events.event_date) >= {{ window_start }}
                {%- if restitched == 'test' %}
                    and max(case when login_customers.is_test then 1 else 0 end) = 1
                {%- endif %}
        )
    {%- endif %}
{%- endmacro %}
