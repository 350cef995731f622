{#- The select of each session's first event (ties on event_at: lowest
    event_id) among the `events` that pass `where`, with `columns` (SQL
    expressions of the event's columns, aliased as needed). The first event is
    found on the narrow (session_id, event_at, event_id) and its columns are
    then read by event_id (unique): ranking the whole wide rows cost several
    times more on a large event log. `details`, when given, is the relation the
    columns are read from (the same events): a CTE read only here is streamed
    by DuckDB, where `events`, read several times by a model, is kept whole
    with every column any read needs (D291). -#}
{% macro first_session_event(events, columns, where=none, details=none) -%}
    {%- set details = details or events -%}
    select
        {{ columns | join(',\n        ') }}
    from {{ details }}
    inner join (
        select ranked_events.event_id as first_event_id
        from (
            select
                {{ events }}.event_id,
                row_number() over (
                    partition by {{ events }}.session_id
                    order by {{ events }}.event_at, {{ events }}.event_id
                ) as session_event_rank
            from {{ events }}
            {%- if where %}
            where {{ where }}
            {%- endif %}
        ) as ranked_events
        where ranked_events.session_event_rank = 1
    ) as first_events_of_sessions
        on {{ details }}.event_id = first_events_of_sessions.first_event_id
{%- endmacro %}
