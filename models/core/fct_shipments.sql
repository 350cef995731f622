{#- Shipments of orders that are not test customers' (guest orders included).
    fulfilment_time_h runs from payment, or from the order when it has no payment
    time; delivery_time_d from the order to delivery. A parcel is on time when it
    is delivered at or before the promised time. Emissions follow the KPI
    dictionary: shipped weight (t) x distance (km) x the mode's factor. -#}
with

shipments as (

    select * from {{ ref('stg_shop__shipments') }}

),

shipment_weights as (

    select * from {{ ref('int_shipments_weighed') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

emission_factors as (

    select * from {{ ref('shipping_emission_factors') }}

),

unknown_factor as (

    -- a mode the seed does not list is treated like a missing mode
    select kg_co2e_per_tonne_km
    from emission_factors
    where shipping_mode = 'unknown'

),

non_test_orders as (

    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        orders.ordered_date,
        orders.paid_at
    from orders
    left join customers
        on orders.customer_id = customers.customer_id
    where not coalesce(customers.is_test, false)

),

joined as (

    select
        shipments.shipment_id,
        shipments.order_id,
        non_test_orders.customer_id,
        shipments.carrier,
        shipments.shipping_mode,
        shipments.warehouse_id,
        shipments.distance_km,
        non_test_orders.ordered_at,
        non_test_orders.ordered_date,
        non_test_orders.paid_at,
        shipments.shipped_at,
        shipments.shipped_date,
        shipments.delivered_at,
        shipments.delivered_date,
        shipments.promised_delivery_at,
        shipments.promised_delivery_date,
        shipments.is_shipped,
        shipments.is_delivered,
        shipment_weights.order_shipments_count,
        shipment_weights.shipped_weight_kg,
        coalesce(non_test_orders.paid_at, non_test_orders.ordered_at) as fulfilment_start_at,
        coalesce(factors.shipping_mode, 'unknown') as emission_factor_mode,
        coalesce(factors.kg_co2e_per_tonne_km, unknown_factor.kg_co2e_per_tonne_km) as kg_co2e_per_tonne_km
    from shipments
    inner join non_test_orders
        on shipments.order_id = non_test_orders.order_id
    left join shipment_weights
        on shipments.shipment_id = shipment_weights.shipment_id
    left join emission_factors as factors
        on shipments.shipping_mode = factors.shipping_mode
    -- a left join, not a cross join: a seed without its `unknown` row must not empty the table
    left join unknown_factor
        on true

),

final as (

    select
        -- ids
        shipment_id,
        order_id,
        customer_id,

        -- attributes
        carrier,
        shipping_mode,
        warehouse_id,
        distance_km,

        -- timestamps (UTC) and dates (reporting time zone)
        ordered_at,
        ordered_date,
        paid_at,
        shipped_at,
        shipped_date,
        delivered_at,
        delivered_date,
        promised_delivery_at,
        promised_delivery_date,

        -- flags
        is_shipped,
        is_delivered,
        promised_delivery_at is not null as has_promise,
        case
            when delivered_at is null or promised_delivery_at is null then null
            else delivered_at <= promised_delivery_at
        end as is_on_time,

        -- durations
        cast({{ dbt.datediff('fulfilment_start_at', 'shipped_at', 'second') }} as {{ kpi_type_double() }})
        / 3600.0 as fulfilment_hours,
        cast({{ dbt.datediff('ordered_at', 'delivered_at', 'second') }} as {{ kpi_type_double() }})
        / 86400.0 as delivery_days,

        -- emissions
        order_shipments_count,
        shipped_weight_kg,
        emission_factor_mode,
        kg_co2e_per_tonne_km,
        -- kept at the warehouse's numeric precision (6 decimals = milligrams)
        cast(
            shipped_weight_kg * distance_km * kg_co2e_per_tonne_km / 1000 as {{ dbt.type_numeric() }}
        ) as emissions_kg_co2e

    from joined

)

select * from final
