{#- One row per placed order, attribution model and credited channel group:
    the rule models (int_orders_rule_attributed) and the Markov model
    (int_orders_markov_attributed) side by side, with the order's count, valid
    count, new customer, net revenue and gross margin multiplied by the
    channel's credit share. -#}
with

rule_credits as (

    select * from {{ ref('int_orders_rule_attributed') }}

),

markov_credits as (

    select * from {{ ref('int_orders_markov_attributed') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

credits as (

    select
        order_id,
        attribution_model,
        channel_group,
        credit_share
    from rule_credits
    union all
    select
        order_id,
        attribution_model,
        channel_group,
        credit_share
    from markov_credits

),

final as (

    select
        -- ids
        credits.order_id,
        credits.attribution_model,
        credits.channel_group,
        orders.customer_id,

        -- time
        orders.ordered_at,
        orders.ordered_date,

        -- order
        orders.is_valid,
        orders.is_first_order,
        orders.net_revenue,

        -- credit
        credits.credit_share,
        credits.credit_share as credited_orders,
        case when orders.is_valid then credits.credit_share else 0.0 end as credited_valid_orders,
        case when orders.is_first_order then credits.credit_share else 0.0 end as credited_new_customers,
        credits.credit_share * orders.net_revenue as credited_net_revenue,
        credits.credit_share * orders.gross_margin as credited_gross_margin
    from credits
    inner join orders
        on credits.order_id = orders.order_id

)

select * from final
