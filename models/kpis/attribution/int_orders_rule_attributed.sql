{#- Rule-based multi-touch attribution: one row per order, attribution model
    and credited channel group, with the channel's credit share of the order
    (the shares of an order sum to 1 under every model). Models: first_touch,
    last_touch, last_non_direct (the latest touch that is not direct, else
    direct; equals int_orders_last_non_direct_attributed), linear (1/n per
    touch), time_decay (weight 0.5 ^ (days before the order / var
    attribution_half_life_days, default 7), normalised) and position_based
    (40% first, 40% last, 20% shared by the touches between; 50/50 for two
    touches, all for one). Touches of the same channel add up. The list of
    models is the seed attribution_models (method `rule`); each needs its
    weight in touch_weights and touch_credits. -#}
{%- set half_life_days = setting('attribution_half_life_days') %}
with

journey_touches as (

    select * from {{ ref('int_journey_touches_sequenced') }}

),

rule_models as (

    select * from {{ ref('attribution_models') }}
    where method = 'rule'

),

order_touches as (

    select
        order_id,
        channel_group,
        touch_number,
        touch_count,
        days_before_conversion,
        max(case when has_session and channel_group <> 'direct' then touch_number end) over (
            partition by order_id
        ) as last_non_direct_touch_number,
        power(0.5, days_before_conversion / {{ half_life_days }}) as decay_weight
    from journey_touches
    where is_converting

),

touch_weights as (

    select
        order_id,
        channel_group,
        case when touch_number = 1 then 1.0 else 0.0 end as first_touch,
        case when touch_number = touch_count then 1.0 else 0.0 end as last_touch,
        -- without a non-direct touch every touch is direct: credit the last
        case
            when touch_number = coalesce(last_non_direct_touch_number, touch_count) then 1.0
            else 0.0
        end as last_non_direct,
        1.0 / touch_count as linear,
        decay_weight / sum(decay_weight) over (partition by order_id) as time_decay,
        case
            when touch_count = 1 then 1.0
            when touch_count = 2 then 0.5
            when touch_number = 1 or touch_number = touch_count then 0.4
            else 0.2 / (touch_count - 2)
        end as position_based
    from order_touches

),

touch_credits as (

    select
        touch_weights.order_id,
        rule_models.attribution_model,
        touch_weights.channel_group,
        cast(
            case rule_models.attribution_model
                when 'first_touch' then touch_weights.first_touch
                when 'last_touch' then touch_weights.last_touch
                when 'last_non_direct' then touch_weights.last_non_direct
                when 'linear' then touch_weights.linear
                when 'time_decay' then touch_weights.time_decay
                when 'position_based' then touch_weights.position_based
            end as {{ kpi_type_double() }}
        ) as credit_share
    from touch_weights
    cross join rule_models

),

final as (

    select
        order_id,
        attribution_model,
        channel_group,
        sum(credit_share) as credit_share
    from touch_credits
    where credit_share > 0
    group by
        order_id,
        attribution_model,
        channel_group

)

select * from final
