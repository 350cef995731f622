with

source as (

    select * from {{ source('shop', 'shipments') }}

),

renamed as (

    select
        -- ids
        cast(shipment_id as {{ dbt.type_string() }}) as shipment_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(warehouse_id as {{ dbt.type_string() }}) as warehouse_id,

        -- attributes
        lower(trim({{ mask_pii('carrier') }})) as carrier,
        coalesce(nullif(lower(trim({{ mask_pii('shipping_mode') }})), ''), 'unknown') as shipping_mode,
        cast(distance_km as {{ dbt.type_numeric() }}) as distance_km,

        -- flags
        shipped_at is not null as is_shipped,
        delivered_at is not null as is_delivered,

        -- timestamps (UTC) and dates (reporting time zone)
        shipped_at,
        {{ to_reporting_date('shipped_at') }} as shipped_date,
        delivered_at,
        {{ to_reporting_date('delivered_at') }} as delivered_date,
        promised_delivery_at,
        {{ to_reporting_date('promised_delivery_at') }} as promised_delivery_date

    from source

)

select * from renamed
