{#- The select of each session's first event (ties on event_at: lowest
    event_id) among the `events` that pass `where`, with `columns` (SQL
    expressions of the event's columns, aliased as needed). -#}
{% macro first_session_event(events, columns, where=none) -%}
    select
        {{ columns | join(',\n        ') }}
    from (
        select
            {{ events }}.*,
            row_number() over (
                partition by {{ events }}.session_id
                order by {{ events }}.event_at, {{ events }}.event_id
            ) as session_event_rank
        from {{ events }}
        {%- if where %}
        where {{ where }}
        {%- endif %}
    ) as ranked_events
    where session_event_rank = 1
{%- endmacro %}
