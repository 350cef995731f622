{#- Rule-based multi-touch attribution: one row per order, attribution model
    and credited channel group, with the channel's credit share of the order
    (the shares of an order sum to 1 under every model). Models: first_touch,
    last_touch, last_non_direct (the latest touch that is not direct, else
    direct; equals int_orders_last_non_direct_attributed), linear (1/n per
    touch), time_decay (weight 0.5 ^ (days before the order / var
    attribution_half_life_days, default 7), normalised) and position_based
    (40% first, 40% last, 20% shared by the touches between; 50/50 for two
    touches, all for one). Touches of the same channel add up. -#}
{%- set half_life_days = var('attribution_half_life_days', 7) %}
with

journey_touches as (

    select * from {{ ref('int_journey_touches_sequenced') }}

),

order_touches as (

    select
        order_id,
        channel_group,
        touch_number,
        touch_count,
        days_before_conversion,
        -- latest non-direct touch first
        case
            when has_session and channel_group <> 'direct'
                then row_number() over (
                    partition by order_id, has_session and channel_group <> 'direct'
                    order by touch_number desc
                )
        end as non_direct_rank,
        max(case when has_session and channel_group <> 'direct' then 1 else 0 end) over (
            partition by order_id
        ) as has_non_direct_touch,
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
        case
            when non_direct_rank = 1 then 1.0
            -- no non-direct touch: every touch is direct, credit the last
            when has_non_direct_touch = 0 and touch_number = touch_count then 1.0
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

    {%- set rule_models = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'time_decay', 'position_based'] %}
    {%- for rule_model in rule_models %}
    select
        order_id,
        '{{ rule_model }}' as attribution_model,
        channel_group,
        cast({{ rule_model }} as {{ kpi_type_double() }}) as credit_share
    from touch_weights
    where {{ rule_model }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        order_id,
        attribution_model,
        channel_group,
        sum(credit_share) as credit_share
    from touch_credits
    group by
        order_id,
        attribution_model,
        channel_group

)

select * from final
