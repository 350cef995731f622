{#- Under every attribution model each placed order of fct_orders is credited
    exactly once: its credit shares sum to 1 and its credited net revenue to
    its net revenue. Returns the orders and models that break it (missing,
    over- or under-credited). -#}
with

attribution_orders as (

    select * from {{ ref('attribution_orders') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

attribution_models as (

    select * from {{ ref('attribution_models') }}

),

expected as (

    select
        orders.order_id,
        attribution_models.attribution_model,
        orders.net_revenue
    from orders
    cross join attribution_models

),

credited as (

    select
        order_id,
        attribution_model,
        sum(credit_share) as credit_share,
        sum(credited_net_revenue) as credited_net_revenue
    from attribution_orders
    group by
        order_id,
        attribution_model

),

final as (

    select
        expected.net_revenue,
        credited.credit_share,
        credited.credited_net_revenue,
        coalesce(expected.order_id, credited.order_id) as order_id,
        coalesce(expected.attribution_model, credited.attribution_model) as attribution_model
    from expected
    full outer join credited
        on
            expected.order_id = credited.order_id
            and expected.attribution_model = credited.attribution_model
    where
        expected.order_id is null
        or credited.order_id is null
        or abs(credited.credit_share - 1.0) > 1e-9
        or abs(credited.credited_net_revenue - expected.net_revenue) > 1e-6

)

select * from final
