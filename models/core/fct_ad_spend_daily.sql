{#- Paid marketing per day, channel and campaign; staging already holds that
    grain and the conversion at the spend day's rate. -#}
with

ad_spend as (

    select * from {{ ref('stg_marketing__ad_spend') }}

),

final as (

    select
        -- ids
        ad_spend_id,
        spend_date,
        channel,
        campaign_id,
        campaign_name,

        -- delivery
        impressions,
        clicks,

        -- money
        currency,
        spend_local,
        rate_to_reporting,
        spend

    from ad_spend

)

select * from final
