{#- First-order Markov chain of attribution journeys: one row per pair of
    states seen in a row, states being `start`, the traffic channel groups,
    `conversion` and `null`. Every journey with a session is a path start ->
    its touches' channel groups in order -> conversion (converting journey) or
    null (non-converting journey); journeys of orders without a session carry
    no channel and are left out. Repeated channels stay in the path (a
    self-transition does not change where the chain ends). -#}
with

journey_touches as (

    select * from {{ ref('int_journey_touches_sequenced') }}

),

path_touches as (

    select
        journey_id,
        touch_number,
        touch_count,
        is_converting,
        channel_group
    from journey_touches
    where has_session

),

steps as (

    -- the step into each touch, from start or from the touch before
    select
        journey_id,
        coalesce(
            lag(channel_group) over (partition by journey_id order by touch_number),
            'start'
        ) as from_state,
        channel_group as to_state
    from path_touches
    union all
    -- the step out of the last touch
    select
        journey_id,
        channel_group as from_state,
        case when is_converting then 'conversion' else 'null' end as to_state
    from path_touches
    where touch_number = touch_count

),

counted as (

    select
        from_state,
        to_state,
        count(*) as transition_count
    from steps
    group by
        from_state,
        to_state

),

final as (

    select
        from_state,
        to_state,
        transition_count,
        sum(transition_count) over (partition by from_state) as from_state_count,
        cast(transition_count as {{ kpi_type_double() }})
        / sum(transition_count) over (partition by from_state) as transition_probability
    from counted

)

select * from final
