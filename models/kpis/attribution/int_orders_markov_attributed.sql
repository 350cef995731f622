{#- Markov chain attribution per order: one row per order and channel group of
    its journey, the order shared among the distinct channel groups of its
    journey in proportion to their removal effects
    (int_channel_removal_effects_computed), so each order's shares sum to 1.
    An order without a session is credited to direct, as under every rule
    model; if the channels of a journey had no removal effect at all the order
    would be shared equally among them. -#}
with

journey_touches as (

    select * from {{ ref('int_journey_touches_sequenced') }}

),

removal_effects as (

    select * from {{ ref('int_channel_removal_effects_computed') }}

),

order_channels as (

    select distinct
        order_id,
        has_session,
        channel_group
    from journey_touches
    where is_converting

),

weighted as (

    select
        order_channels.order_id,
        order_channels.channel_group,
        case
            when not order_channels.has_session then 1.0
            else coalesce(removal_effects.removal_effect, 0.0)
        end as weight,
        count(*) over (partition by order_channels.order_id) as channel_count
    from order_channels
    left join removal_effects
        on order_channels.channel_group = removal_effects.channel_group

),

shared as (

    select
        order_id,
        channel_group,
        weight,
        channel_count,
        sum(weight) over (partition by order_id) as order_weight
    from weighted

),

final as (

    select
        order_id,
        'markov' as attribution_model,
        channel_group,
        cast(
            case
                when order_weight > 0 then weight / order_weight
                else 1.0 / channel_count
            end as {{ kpi_type_double() }}
        ) as credit_share
    from shared

)

select * from final
