{#- Organic content statistics per content item and day; interactions are the
    numerator of content_interaction_rate. -#}
with

content_stats as (

    select * from {{ ref('stg_marketing__content_stats') }}

),

final as (

    select
        -- ids
        content_stat_id,
        stat_date,
        content_id,

        -- attributes
        platform,
        content_type,
        published_at,
        published_date,

        -- reach and engagement
        impressions,
        clicks,
        likes,
        comments,  -- noqa: RF04
        shares,  -- noqa: RF04
        likes + comments + shares as interactions  -- noqa: RF04

    from content_stats

)

select * from final
