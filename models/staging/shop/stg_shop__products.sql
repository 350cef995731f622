with

source as (

    select * from {{ source('shop', 'products') }}

),

renamed as (

    select
        -- ids
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        {{ mask_pii('sku') }} as sku,

        -- attributes
        {{ mask_pii('product_name') }} as product_name,
        coalesce(nullif(lower(trim(category)), ''), 'unknown') as category,
        {{ mask_pii('brand') }} as brand,
        cast(weight_kg as {{ dbt.type_numeric() }}) as weight_kg,

        -- money, in the product's own currency (converted where it is used, at
        -- the rate of the day of the sale or snapshot)
        upper(trim(currency)) as currency,
        cast(list_price as {{ dbt.type_numeric() }}) as list_price_local,
        cast(unit_cost as {{ dbt.type_numeric() }}) as unit_cost_local,

        -- flags
        coalesce(is_active, true) as is_active,

        -- timestamps
        created_at,
        {{ to_reporting_date('created_at') }} as created_date

    from source

)

select * from renamed
