{#- last_non_direct in attribution_orders, built from the journeys, credits
    every order wholly to the channel group int_orders_last_non_direct_attributed
    (the rule the roas and campaign_roi KPIs use) credits. Returns the orders
    where they differ. -#}
with

attribution_orders as (

    select * from {{ ref('attribution_orders') }}

),

last_non_direct as (

    select * from {{ ref('int_orders_last_non_direct_attributed') }}

),

journey_credits as (

    select
        order_id,
        channel_group,
        credit_share
    from attribution_orders
    where attribution_model = 'last_non_direct'

),

final as (

    select
        journey_credits.channel_group,
        journey_credits.credit_share,
        last_non_direct.attributed_channel_group,
        coalesce(journey_credits.order_id, last_non_direct.order_id) as order_id
    from journey_credits
    full outer join last_non_direct
        on journey_credits.order_id = last_non_direct.order_id
    where
        journey_credits.order_id is null
        or last_non_direct.order_id is null
        or journey_credits.channel_group <> last_non_direct.attributed_channel_group
        or journey_credits.credit_share <> 1.0

)

select * from final
