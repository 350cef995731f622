{#- Reads the exchange-rate lookup besides its source: the one sanctioned
    staging-to-staging read (see DECISIONLOG: currency conversion in staging). -#}
with

source as (

    select * from {{ source('shop', 'payments') }}

),

exchange_rates as (

    select * from {{ ref('stg_finance__exchange_rates') }}

),

renamed as (

    select
        -- ids
        cast(payment_id as {{ dbt.type_string() }}) as payment_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,

        -- attributes
        coalesce(nullif(lower(trim({{ mask_pii('method') }})), ''), 'unknown') as payment_method,
        lower(trim(status)) as status,
        lower(trim(status)) = 'succeeded' as is_succeeded,

        -- money, in the payment's currency
        upper(trim(currency)) as currency,
        cast(amount as {{ dbt.type_numeric() }}) as amount_local,

        -- timestamps (UTC) and dates (reporting time zone)
        created_at,
        {{ to_reporting_date('created_at') }} as created_date

    from source

),

converted as (

    -- money in the reporting currency, at the latest rate on or before the payment's reporting day
    {{ converted_to_reporting_currency('renamed', 'created_date', ['amount_local']) }}

)

select * from converted
