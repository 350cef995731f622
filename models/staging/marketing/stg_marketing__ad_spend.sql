{#- Reads the exchange-rate lookup besides its source: the one sanctioned
    staging-to-staging read (see DECISIONLOG: currency conversion in staging). -#}
with

source as (

    select * from {{ source('marketing', 'ad_spend') }}

),

exchange_rates as (

    select * from {{ ref('stg_finance__exchange_rates') }}

),

renamed as (

    select
        -- ids: the natural key is (spend_date, channel, campaign_id)
        {{ surrogate_key(['spend_date', 'channel', 'campaign_id']) }} as ad_spend_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,

        -- attributes
        lower(trim({{ mask_pii('channel') }})) as channel,
        {{ mask_pii('campaign_name') }} as campaign_name,
        spend_date,

        -- delivery
        cast(impressions as {{ dbt.type_bigint() }}) as impressions,
        cast(clicks as {{ dbt.type_bigint() }}) as clicks,

        -- money, in the spend's currency
        upper(trim(currency)) as currency,
        cast(spend as {{ dbt.type_numeric() }}) as spend_local

    from source

),

converted as (

    -- money in the reporting currency, at the latest rate on or before the spend day
    {{ converted_to_reporting_currency('renamed', 'spend_date', ['spend_local']) }}

)

select * from converted
