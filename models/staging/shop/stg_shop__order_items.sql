with

source as (

    select * from {{ source('shop', 'order_items') }}

),

renamed as (

    select
        -- ids
        cast(order_item_id as {{ dbt.type_string() }}) as order_item_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,

        -- quantities
        cast(quantity as {{ dbt.type_int() }}) as quantity,

        -- money, in the order's currency (the item row has no currency of its own)
        cast(unit_price as {{ dbt.type_numeric() }}) as unit_price_local,
        cast(quantity * unit_price as {{ dbt.type_numeric() }}) as line_amount_local,
        cast(coalesce(discount_amount, 0) as {{ dbt.type_numeric() }}) as discount_amount_local,
        cast(
            quantity * unit_price - coalesce(discount_amount, 0) as {{ dbt.type_numeric() }}
        ) as merchandise_amount_local

    from source

)

select * from renamed
