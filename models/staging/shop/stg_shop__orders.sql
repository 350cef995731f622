{#- Reads the exchange-rate lookup besides its source: the one sanctioned
    staging-to-staging read (see DECISIONLOG: currency conversion in staging). -#}
{%- set local_amounts = [
    'items_amount_local',
    'discount_amount_local',
    'merchandise_amount_local',
    'shipping_amount_local',
    'tax_amount_local',
    'total_amount_local',
] %}
with

source as (

    select * from {{ source('shop', 'orders') }}

),

exchange_rates as (

    select * from {{ ref('stg_finance__exchange_rates') }}

),

renamed as (

    select
        -- ids
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(session_id as {{ dbt.type_string() }}) as session_id,

        -- status
        lower(trim(status)) as status,
        lower(trim(status)) = 'cancelled' as is_cancelled,
        customer_id is null as is_guest,

        -- attributes
        {{ normalise_enum(
            'sales_channel', ['web', 'app', 'marketplace', 'store'], missing='unknown'
        ) }} as sales_channel,
        {{ normalise_enum('device_type', ['desktop', 'mobile', 'tablet', 'app'], missing='unknown') }} as device_type,
        nullif(trim({{ mask_pii('coupon_code') }}), '') as coupon_code,
        coalesce(nullif(trim(coupon_code), ''), '') <> '' as has_coupon,

        -- money, in the order's currency
        upper(trim(currency)) as currency,
        cast(items_amount as {{ dbt.type_numeric() }}) as items_amount_local,
        cast(coalesce(discount_amount, 0) as {{ dbt.type_numeric() }}) as discount_amount_local,
        cast(
            items_amount - coalesce(discount_amount, 0) as {{ dbt.type_numeric() }}
        ) as merchandise_amount_local,
        cast(coalesce(shipping_amount, 0) as {{ dbt.type_numeric() }}) as shipping_amount_local,
        cast(coalesce(tax_amount, 0) as {{ dbt.type_numeric() }}) as tax_amount_local,
        cast(total_amount as {{ dbt.type_numeric() }}) as total_amount_local,

        -- timestamps (UTC) and dates (reporting time zone)
        ordered_at,
        {{ to_reporting_date('ordered_at') }} as ordered_date,
        paid_at,
        {{ to_reporting_date('paid_at') }} as paid_date,
        cancelled_at,
        {{ to_reporting_date('cancelled_at') }} as cancelled_date,
        updated_at

    from source

),

converted as (

    -- money in the reporting currency, at the latest rate on or before the order's reporting day
    {{ converted_to_reporting_currency('renamed', 'ordered_date', local_amounts) }}

)

select * from converted
