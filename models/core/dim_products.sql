{#- The product dimension: the catalogue, prices and costs in the product's own currency. -#}
with

products as (

    select * from {{ ref('stg_shop__products') }}

),

final as (

    select
        -- ids
        product_id,
        sku,

        -- attributes
        product_name,
        category,
        brand,
        weight_kg,
        is_active,

        -- money, in the product's currency
        currency,
        list_price_local,
        unit_cost_local,

        -- dates
        created_at,
        created_date,

        -- derived, product currency
        list_price_local - unit_cost_local as list_margin_local

    from products

)

select * from final
