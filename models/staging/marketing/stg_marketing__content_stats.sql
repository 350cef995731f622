with

source as (

    select * from {{ source('marketing', 'content_stats') }}

),

renamed as (

    select
        -- ids: the natural key is (stat_date, content_id)
        {{ surrogate_key(['stat_date', 'content_id']) }} as content_stat_id,
        cast(content_id as {{ dbt.type_string() }}) as content_id,

        -- attributes
        lower(trim({{ mask_pii('platform') }})) as platform,
        coalesce(nullif(lower(trim({{ mask_pii('content_type') }})), ''), 'unknown') as content_type,
        stat_date,

        -- engagement
        cast(impressions as {{ dbt.type_bigint() }}) as impressions,
        cast(coalesce(clicks, 0) as {{ dbt.type_bigint() }}) as clicks,
        cast(coalesce(likes, 0) as {{ dbt.type_bigint() }}) as likes,
        cast(coalesce(comments, 0) as {{ dbt.type_bigint() }}) as comments,  -- noqa: RF04
        cast(coalesce(shares, 0) as {{ dbt.type_bigint() }}) as shares,  -- noqa: RF04

        -- timestamps (UTC) and dates (reporting time zone)
        published_at,
        {{ to_reporting_date('published_at') }} as published_date

    from source

)

select * from renamed
