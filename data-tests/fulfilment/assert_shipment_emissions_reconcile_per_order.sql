{#- Recomputes every shipped order's emissions from staging, independently of
    fct_shipments and int_shipments_weighed: the order's weight (quantity x
    product weight), split evenly over its parcels, x each parcel's distance x
    the factor of its mode (the seed's `unknown` row for unlisted modes). Returns
    the orders whose emissions in fct_shipments differ by more than the rounding
    of the stored values (1e-6 kg per parcel), or that are missing on one side. -#}
with

fct_shipments as (

    select * from {{ ref('fct_shipments') }}

),

shipments as (

    select * from {{ ref('stg_shop__shipments') }}

),

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

emission_factors as (

    select * from {{ ref('shipping_emission_factors') }}

),

item_weights as (

    select
        order_items.order_id,
        sum(order_items.quantity * products.weight_kg) as order_weight_kg,
        count(*) - count(products.weight_kg) as items_without_weight
    from order_items
    left join products
        on order_items.product_id = products.product_id
    group by order_items.order_id

),

fallback_factor as (

    select kg_co2e_per_tonne_km
    from emission_factors
    where shipping_mode = 'unknown'

),

parcel_factors as (

    select
        shipments.shipment_id,
        shipments.order_id,
        shipments.distance_km,
        coalesce(listed.kg_co2e_per_tonne_km, fallback_factor.kg_co2e_per_tonne_km) as factor
    from shipments
    left join emission_factors as listed
        on shipments.shipping_mode = listed.shipping_mode
    cross join fallback_factor

),

recomputed as (

    -- sum(distance x factor) x weight / parcels / 1000, per order
    select
        parcel_factors.order_id,
        count(*) as parcels,
        sum(parcel_factors.distance_km * parcel_factors.factor)
        * max(item_weights.order_weight_kg) / count(*) / 1000 as expected_kg_co2e
    from parcel_factors
    inner join item_weights
        on parcel_factors.order_id = item_weights.order_id
    where item_weights.items_without_weight = 0
    group by parcel_factors.order_id

),

actual as (

    select
        order_id,
        count(*) as parcels,
        sum(emissions_kg_co2e) as actual_kg_co2e
    from fct_shipments
    group by order_id
    having count(emissions_kg_co2e) > 0

),

compared as (

    select
        actual.order_id,
        actual.actual_kg_co2e,
        recomputed.expected_kg_co2e
    from actual
    left join recomputed
        on actual.order_id = recomputed.order_id
    where recomputed.order_id is null
        or abs(actual.actual_kg_co2e - recomputed.expected_kg_co2e) > 0.000001 * actual.parcels

)

select * from compared
