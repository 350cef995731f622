{#- Markov chain removal effects: one row per traffic channel group of the
    transition matrix (int_markov_transitions_counted). The probability of
    reaching `conversion` from `start` is the absorbing probability of the
    chain, computed by squaring its transition matrix var
    attribution_markov_squarings times (default 20: the chain after 2^20
    steps, when every path has been absorbed), once for the whole chain and
    once per channel with that channel removed (its visits go to `null`).
    removal effect = 1 - P(conversion without the channel) / P(conversion);
    its share = removal effect / the sum over channels. Rounded to 12 decimals,
    below which float noise of the squaring lies. -#}
{%- set squarings = setting_value('attribution_markov_squarings') %}
{#- the CTEs up to the chain's matrix (matrix_0) are also kept as text
    (matrix_0_text.ctes): Spark runs them as a statement of their own
    (markov_absorbed) -#}
{%- set matrix_0_text = namespace(ctes='') %}
with

{% call capture_text(matrix_0_text) -%}
transitions as (

    select * from {{ ref('int_markov_transitions_counted') }}

),

channels as (

    select distinct from_state as channel_group
    from transitions
    where from_state <> 'start'

),

scenarios as (

    -- the whole chain, and the chain without each channel
    select cast(null as {{ dbt.type_string() }}) as removed_channel
    union all
    select channel_group as removed_channel
    from channels

),

absorbing_states as (

    select 'conversion' as state
    union all
    select 'null' as state

),

matrix_0 as (

    select
        scenarios.removed_channel,
        transitions.from_state,
        transitions.to_state,
        transitions.transition_probability as probability
    from scenarios
    cross join transitions
    where
        scenarios.removed_channel is null
        or transitions.from_state <> scenarios.removed_channel
    union all
    -- a removed channel leads nowhere
    select
        removed_channel,
        removed_channel as from_state,
        'null' as to_state,
        1.0 as probability
    from scenarios
    where removed_channel is not null
    union all
    -- conversion and null absorb
    select
        scenarios.removed_channel,
        absorbing.state as from_state,
        absorbing.state as to_state,
        1.0 as probability
    from scenarios
    cross join absorbing_states as absorbing

)
{%- endcall %},

absorbed as (

    -- the chain after 2^squarings steps, from start to conversion
    {{ markov_absorbed('matrix_0', squarings, matrix_0_text.ctes) }}

),

conversion_probabilities as (

    select
        scenarios.removed_channel,
        coalesce(absorbed.probability, 0.0) as conversion_probability
    from scenarios
    left join absorbed
        on coalesce(scenarios.removed_channel, '') = coalesce(absorbed.removed_channel, '')

),

removal_effects as (

    select
        channels.channel_group,
        whole_chain.conversion_probability,
        without_channel.conversion_probability as conversion_probability_without_channel,
        1.0 - without_channel.conversion_probability
        / nullif(whole_chain.conversion_probability, 0.0) as removal_effect
    from channels
    inner join conversion_probabilities as without_channel
        on channels.channel_group = without_channel.removed_channel
    cross join conversion_probabilities as whole_chain
    where whole_chain.removed_channel is null

),

final as (

    select
        channel_group,
        {{ round_statistic('conversion_probability', 12) }} as conversion_probability,
        {{ round_statistic('conversion_probability_without_channel', 12) }} as conversion_probability_without_channel,
        {{ round_statistic('removal_effect', 12) }} as removal_effect,
        {{ round_statistic('removal_effect / nullif(sum(removal_effect) over (), 0.0)', 12) }} as removal_effect_share
    from removal_effects

)

select * from final
