{#- The weight each parcel carries. Shipments do not say which items they hold,
    so an order's weight (quantity x product weight of all its items) is split
    evenly over its parcels: the parcels of an order always add up to the order's
    weight, never more. An order with an item of unknown weight gets no weight
    (NULL), so emissions are missing rather than silently understated. -#}
with

shipments as (

    select * from {{ ref('stg_shop__shipments') }}

),

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

order_weights as (

    -- aggregate items to the order before joining to its parcels (no fan-out)
    select
        order_items.order_id,
        sum(order_items.quantity * products.weight_kg) as order_weight_kg,
        sum(case when products.weight_kg is null then 1 else 0 end) as items_without_weight
    from order_items
    left join products
        on order_items.product_id = products.product_id
    group by order_items.order_id

),

parcels as (

    select
        shipment_id,
        order_id,
        count(*) over (partition by order_id) as order_shipments_count
    from shipments

),

final as (

    select
        parcels.shipment_id,
        parcels.order_id,
        parcels.order_shipments_count,
        case
            when order_weights.items_without_weight = 0 then order_weights.order_weight_kg
        end as order_weight_kg,
        case
            when order_weights.items_without_weight = 0
                then order_weights.order_weight_kg / parcels.order_shipments_count
        end as shipped_weight_kg
    from parcels
    left join order_weights
        on parcels.order_id = order_weights.order_id

)

select * from final
