{#- One row per month, attribution model and channel group: conversions, new
    customers, net revenue and gross margin credited to the channel under the
    model (attribution_orders, dated by the order's month), next to the
    channel's ad spend of the month (fct_ad_spend_daily: its channel is the
    paid traffic channel group), with ROAS = credited net revenue / spend and
    CAC = spend / credited new customers. Every channel with spend appears under
    every model, credited or not. -#}
with

attribution_orders as (

    select * from {{ ref('attribution_orders') }}

),

ad_spend as (

    select * from {{ ref('fct_ad_spend_daily') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

credited as (

    select
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start,
        attribution_model,
        channel_group,
        sum(credited_orders) as credited_orders,
        sum(credited_valid_orders) as credited_valid_orders,
        sum(credited_new_customers) as credited_new_customers,
        sum(credited_net_revenue) as credited_net_revenue,
        sum(credited_gross_margin) as credited_gross_margin
    from attribution_orders
    group by
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date),
        attribution_model,
        channel_group

),

monthly_spend as (

    select
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as month_start,
        channel as channel_group,
        sum(spend) as spend
    from ad_spend
    group by
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date),
        channel

),

models as (

    select distinct attribution_model
    from attribution_orders

),

spend_rows as (

    select
        monthly_spend.month_start,
        models.attribution_model,
        monthly_spend.channel_group
    from monthly_spend
    cross join models

),

grid as (

    select
        month_start,
        attribution_model,
        channel_group
    from credited
    union
    select
        month_start,
        attribution_model,
        channel_group
    from spend_rows

),

paid_channels as (

    select distinct channel as channel_group
    from ad_spend

),

final as (

    select
        -- keys
        grid.month_start,
        grid.attribution_model,
        grid.channel_group,
        paid_channels.channel_group is not null as is_paid_channel,

        -- credited
        coalesce(credited.credited_orders, 0.0) as conversions,
        coalesce(credited.credited_valid_orders, 0.0) as valid_conversions,
        -- new vs returning needs the customer history: NULL in its warm-up
        case
            when grid.month_start >= coverage.history_complete_from
                then coalesce(credited.credited_new_customers, 0.0)
        end as new_customers,
        coalesce(credited.credited_net_revenue, 0.0) as net_revenue,
        coalesce(credited.credited_gross_margin, 0.0) as gross_margin,

        -- spend and returns
        coalesce(monthly_spend.spend, 0.0) as spend,
        coalesce(credited.credited_net_revenue, 0.0) / nullif(monthly_spend.spend, 0.0) as roas,
        case
            when grid.month_start >= coverage.history_complete_from
                then monthly_spend.spend / nullif(credited.credited_new_customers, 0.0)
        end as cac,

        -- the month lies within the complete data, its orders' look-back too
        (
            grid.month_start >= coverage.attribution_complete_from
            and grid.month_start <= coverage.last_complete_month_start
        ) as is_complete
    from grid
    cross join coverage
    left join credited
        on
            grid.month_start = credited.month_start
            and grid.attribution_model = credited.attribution_model
            and grid.channel_group = credited.channel_group
    left join monthly_spend
        on
            grid.month_start = monthly_spend.month_start
            and grid.channel_group = monthly_spend.channel_group
    left join paid_channels
        on grid.channel_group = paid_channels.channel_group

)

select * from final
