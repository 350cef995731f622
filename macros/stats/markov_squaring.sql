{#- One squaring of a Markov transition matrix held in relation `previous`
    (removed_channel, from_state, to_state, probability), per scenario
    (removed_channel). Probabilities below 1e-30 are dropped (see
    markov_absorbed). -#}
{% macro markov_squaring(previous) -%}
    select
        left_matrix.removed_channel,
        left_matrix.from_state,
        right_matrix.to_state,
        sum(left_matrix.probability * right_matrix.probability) as probability
    from {{ previous }} as left_matrix
    inner join {{ previous }} as right_matrix
        on
            coalesce(left_matrix.removed_channel, '') = coalesce(right_matrix.removed_channel, '')
            and left_matrix.to_state = right_matrix.from_state
    group by
        left_matrix.removed_channel,
        left_matrix.from_state,
        right_matrix.to_state
    having sum(left_matrix.probability * right_matrix.probability) >= 1e-30
{%- endmacro %}
