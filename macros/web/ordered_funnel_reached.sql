{#- The select of an ordered funnel, one row per session of `events`: for each
    of `steps` (event names, in funnel order) the first time
    `<step>_reached_at` an event of the step happens at or after the session
    reached the step before; NULL when it never did (and then for every later
    step). Built one step at a time: the steps before are a subquery of this
    macro for steps[:-1], so the ordering rule is written once. -#}
{% macro ordered_funnel_reached(events, steps) -%}
    {%- set step = steps[-1] -%}
    {%- if steps | length == 1 -%}
    select
        session_id,
        min(case when event_name = '{{ step }}' then event_at end) as {{ step }}_reached_at
    from {{ events }}
    group by session_id
    {%- else -%}
    {%- set earlier_steps = steps[:-1] -%}
    select
        reached.session_id,
        {%- for earlier in earlier_steps %}
        reached.{{ earlier }}_reached_at,
        {%- endfor %}
        min({{ events }}.event_at) as {{ step }}_reached_at
    from (
        {{ ordered_funnel_reached(events, earlier_steps) }}
    ) as reached
    left join {{ events }}
        on reached.session_id = {{ events }}.session_id
            and {{ events }}.event_name = '{{ step }}'
            and {{ events }}.event_at >= reached.{{ earlier_steps[-1] }}_reached_at
    group by
        reached.session_id
        {%- for earlier in earlier_steps %},
        reached.{{ earlier }}_reached_at
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
