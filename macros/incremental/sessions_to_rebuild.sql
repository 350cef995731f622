{#- The sessions an incremental model downstream of int_sessions_sessionized
    rebuilds, read from the sessions themselves instead of every web event
    (D292): the same sessions web_sessions_to_rebuild selects, found on a few
    columns of one row per session. A session has an event on or after
    window_start exactly when its last event (ended_at) does, and an anonymous
    id's first login is int_anonymous_ids_stitched.first_identified_at.
    sessions: the CTE of int_sessions_sessionized (session_id, anonymous_id,
    ended_at, is_test_user), already rebuilt by this run; stitched_ids: the CTE
    of int_anonymous_ids_stitched (not read with restitched 'none'). restitched
    as in web_sessions_to_rebuild; for 'test' (D293) test_logins is a CTE of
    the events logged in by a test customer (session_id, anonymous_id): a
    restitched session's test flag can change only when it holds such a login
    (its own first login decided the flag before any stitch) or its id has one
    (the customer the id is, or was, stitched to is one the id logged in as). -#}
{% macro sessions_to_rebuild(sessions, stitched_ids, window_start, restitched='every', test_logins=none) -%}
    {%- if restitched not in ('every', 'test', 'none') -%}
        {{ exceptions.raise_compiler_error(
            "sessions_to_rebuild: restitched = '" ~ restitched ~ "' is not 'every', 'test' or 'none'"
        ) }}
    {%- endif -%}
    {%- if restitched == 'test' and test_logins is none -%}
        {{ exceptions.raise_compiler_error(
            "sessions_to_rebuild: restitched = 'test' needs test_logins (the CTE of the events "
            ~ "logged in by a test customer: session_id, anonymous_id)"
        ) }}
    {%- endif -%}
    select window_sessions.session_id
    from {{ sessions }} as window_sessions
    where {{ to_reporting_date('window_sessions.ended_at') }} >= {{ window_start }}
    {%- if restitched != 'none' %}
        union
        select restitched_sessions.session_id
        from {{ sessions }} as restitched_sessions
        where
            restitched_sessions.anonymous_id in (
                select stitched.anonymous_id
                from {{ stitched_ids }} as stitched
                where {{ to_reporting_date('stitched.first_identified_at') }} >= {{ window_start }}
            )
            {%- if restitched == 'test' %}
                and (
                    restitched_sessions.is_test_user
                    or restitched_sessions.session_id in (
                        select session_test_logins.session_id from {{ test_logins }} as session_test_logins
                    )
                    or restitched_sessions.anonymous_id in (
                        select id_test_logins.anonymous_id from {{ test_logins }} as id_test_logins
                    )
                )
            {%- endif %}
    {%- endif %}
{%- endmacro %}
