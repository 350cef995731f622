{#- The sessions an incremental model downstream of int_sessions_sessionized
    rebuilds, read from the sessions themselves instead of every web event
    (D292): the same sessions web_sessions_to_rebuild selects, found on a few
    columns of one row per session. A session has an event on or after
    window_start exactly when its last event (ended_at) does, and an anonymous
    id's first login is int_anonymous_ids_stitched.first_identified_at.
    sessions: the CTE of int_sessions_sessionized (session_id, anonymous_id,
    ended_at), already rebuilt by this run; stitched_ids: the CTE of
    int_anonymous_ids_stitched (not read with restitched 'none'). restitched
    as in web_sessions_to_rebuild. -#}
{% macro sessions_to_rebuild(sessions, stitched_ids, window_start, restitched='every') -%}
    {%- if restitched not in ('every', 'none') -%}
        {{ exceptions.raise_compiler_error(
            "sessions_to_rebuild: restitched = '" ~ restitched ~ "' is not 'every' or 'none'"
        ) }}
    {%- endif -%}
    select window_sessions.session_id
    from {{ sessions }} as window_sessions
    where {{ to_reporting_date('window_sessions.ended_at') }} >= {{ window_start }}
    {%- if restitched == 'every' %}
        union
        select restitched_sessions.session_id
        from {{ sessions }} as restitched_sessions
        where restitched_sessions.anonymous_id in (
            select stitched.anonymous_id
            from {{ stitched_ids }} as stitched
            where {{ to_reporting_date('stitched.first_identified_at') }} >= {{ window_start }}
        )
    {%- endif %}
{%- endmacro %}
