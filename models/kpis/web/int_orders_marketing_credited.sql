{#- The placed orders marketing gets credit for, one row per order: those
    credited to a paid traffic channel group by last non-direct click
    (int_orders_last_non_direct_attributed; the paid groups are the channels
    of fct_ad_spend_daily) and those placed in a session whose utm_content is
    a content item of fct_content_daily (with the item's platform and content
    type, the latest statistics row's should they change). -#}
with

attributed_orders as (

    select * from {{ ref('int_orders_last_non_direct_attributed') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

content_stats as (

    select * from {{ ref('fct_content_daily') }}

),

paid_orders as (

    select
        order_id,
        attributed_channel_group,
        attributed_utm_campaign
    from attributed_orders
    where attributed_channel_group in ('paid_search', 'paid_social', 'display', 'affiliate', 'email')

),

contents as (

    select
        content_id,
        platform,
        content_type
    from (
        select
            content_id,
            platform,
            content_type,
            row_number() over (partition by content_id order by stat_date desc) as stat_rank
        from content_stats
    ) as ranked
    where stat_rank = 1

),

final as (

    select
        orders.order_id,
        orders.ordered_date,
        orders.net_revenue,
        orders.gross_margin,
        paid_orders.attributed_channel_group,
        paid_orders.attributed_utm_campaign,
        contents.content_id,
        contents.platform as content_platform,
        contents.content_type
    from orders
    left join sessions
        on orders.session_id = sessions.session_id
    left join paid_orders
        on orders.order_id = paid_orders.order_id
    left join contents
        on sessions.utm_content = contents.content_id
    where
        paid_orders.order_id is not null
        or contents.content_id is not null

)

select * from final
