{#- One row per traffic channel group of the Markov chain: its visits in the
    journeys, the chain's conversion probability with and without it, its
    removal effect and share, the conversions and net revenue of the orders
    with a session shared by that global share, and, beside them, what the
    per-order Markov credits of attribution_orders give the channel. -#}
with

removal_effects as (

    select * from {{ ref('int_channel_removal_effects_computed') }}

),

transitions as (

    select * from {{ ref('int_markov_transitions_counted') }}

),

journey_touches as (

    select * from {{ ref('int_journey_touches_sequenced') }}

),

attribution_orders as (

    select * from {{ ref('attribution_orders') }}

),

visits as (

    select
        from_state as channel_group,
        cast(sum(transition_count) as {{ dbt.type_bigint() }}) as touches,
        cast(sum(case when to_state = 'conversion' then transition_count else 0 end) as {{ dbt.type_bigint() }})
            as last_touch_conversions
    from transitions
    group by from_state

),

tracked_orders as (

    select distinct order_id
    from journey_touches
    where is_converting and has_session

),

markov_orders as (

    select
        attribution_orders.order_id,
        attribution_orders.channel_group,
        attribution_orders.net_revenue,
        attribution_orders.credited_orders,
        attribution_orders.credited_net_revenue,
        tracked_orders.order_id is not null as has_session
    from attribution_orders
    left join tracked_orders
        on attribution_orders.order_id = tracked_orders.order_id
    where attribution_orders.attribution_model = 'markov'

),

tracked_totals as (

    select
        count(distinct order_id) as conversions,
        sum(net_revenue * credited_orders) as net_revenue
    from markov_orders
    where has_session

),

per_order_credits as (

    select
        channel_group,
        sum(credited_orders) as credited_conversions,
        sum(credited_net_revenue) as credited_net_revenue
    from markov_orders
    group by channel_group

),

final as (

    select
        removal_effects.channel_group,
        visits.touches,
        visits.last_touch_conversions,
        removal_effects.conversion_probability,
        removal_effects.conversion_probability_without_channel,
        removal_effects.removal_effect,
        removal_effects.removal_effect_share,
        removal_effects.removal_effect_share * tracked_totals.conversions as shared_conversions,
        removal_effects.removal_effect_share * tracked_totals.net_revenue as shared_net_revenue,
        coalesce(per_order_credits.credited_conversions, 0.0) as credited_conversions,
        coalesce(per_order_credits.credited_net_revenue, 0.0) as credited_net_revenue
    from removal_effects
    cross join tracked_totals
    left join visits
        on removal_effects.channel_group = visits.channel_group
    left join per_order_credits
        on removal_effects.channel_group = per_order_credits.channel_group

)

select * from final
