{#- Ordered-funnel counts per session day (reporting time zone), traffic channel
    group, device type and country, over non-test sessions. Counts only: rates
    are computed in funnel_daily from these summed counts, never by averaging. -#}
with

sessions as (

    select * from {{ ref('int_sessions_sessionized') }}

),

final as (

    select
        {{ surrogate_key(['session_date', 'channel_group', 'device_type', 'country_code']) }} as funnel_day_id,
        session_date,
        channel_group,
        device_type,
        country_code,
        count(*) as sessions,
        count(case when reached_product_view then 1 end) as sessions_reaching_product_view,
        count(case when reached_add_to_cart then 1 end) as sessions_reaching_add_to_cart,
        count(case when reached_begin_checkout then 1 end) as sessions_reaching_begin_checkout,
        count(case when reached_purchase then 1 end) as sessions_reaching_purchase,
        count(case when has_purchase then 1 end) as purchase_sessions,
        count(case when is_bounce then 1 end) as bounce_sessions
    from sessions
    where not is_test_user
    group by session_date, channel_group, device_type, country_code

)

select * from final
