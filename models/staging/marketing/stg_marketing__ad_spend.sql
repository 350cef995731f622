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

with_rate as (

    -- the latest rate on or before the spend day
    select
        renamed.*,
        {{ reporting_rate('renamed.currency', 'rates.rate_to_reporting') }} as rate_to_reporting
    from renamed
    left join exchange_rates as rates
        on renamed.currency = rates.currency
            and renamed.spend_date >= rates.valid_from
            and renamed.spend_date < rates.valid_to

),

converted as (

    -- money in the reporting currency
    select
        with_rate.*,
        {{ to_reporting_currency('spend_local') }} as spend
    from with_rate

)

select * from converted
