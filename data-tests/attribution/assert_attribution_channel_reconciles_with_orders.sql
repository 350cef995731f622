{#- Per attribution model and month, attribution_channel's conversions equal
    the month's placed orders in fct_orders, its net revenue their net revenue
    (to half a cent) and its spend the month's ad spend of fct_ad_spend_daily.
    Returns the models and months that differ. -#}
with

attribution_channel as (

    select * from {{ ref('attribution_channel') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

ad_spend as (

    select * from {{ ref('fct_ad_spend_daily') }}

),

channel_months as (

    select
        attribution_model,
        month_start,
        sum(conversions) as conversions,
        sum(net_revenue) as net_revenue,
        sum(spend) as spend
    from attribution_channel
    group by
        attribution_model,
        month_start

),

order_months as (

    select
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start,
        count(*) as orders,
        sum(net_revenue) as net_revenue
    from orders
    group by cast({{ dbt.date_trunc('month', 'ordered_date') }} as date)

),

spend_months as (

    select
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as month_start,
        sum(spend) as spend
    from ad_spend
    group by cast({{ dbt.date_trunc('month', 'spend_date') }} as date)

),

months as (

    select month_start from order_months
    union
    select month_start from spend_months

),

attribution_models as (

    select distinct attribution_model
    from attribution_channel

),

expected as (

    select
        attribution_models.attribution_model,
        months.month_start,
        coalesce(order_months.orders, 0) as orders,
        coalesce(order_months.net_revenue, 0.0) as net_revenue,
        coalesce(spend_months.spend, 0.0) as spend
    from months
    cross join attribution_models
    left join order_months
        on months.month_start = order_months.month_start
    left join spend_months
        on months.month_start = spend_months.month_start

),

final as (

    select
        expected.attribution_model,
        expected.month_start,
        expected.orders,
        channel_months.conversions,
        expected.net_revenue,
        channel_months.net_revenue as credited_net_revenue,
        expected.spend,
        channel_months.spend as channel_spend
    from expected
    left join channel_months
        on
            expected.attribution_model = channel_months.attribution_model
            and expected.month_start = channel_months.month_start
    where
        channel_months.month_start is null
        or abs(channel_months.conversions - expected.orders) > 1e-6
        or abs(channel_months.net_revenue - expected.net_revenue) > 0.005
        or abs(channel_months.spend - expected.spend) > 0.005

)

select * from final
