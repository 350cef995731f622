{#- Daily additive components of the fulfilment, inventory and payment KPIs:
    one row per KPI, day and breakdown. Parcels are the unit of fulfilment and
    delivery (fulfilment_time_h by shipped day, delivery_time_d and
    on_time_delivery_rate by delivered day). Shipping emissions per order count
    an order once, on the day its first parcel shipped and under that parcel's
    shipping mode, so the denominator adds up across days and modes; orders with
    a parcel whose emissions are unknown are left out of both sides. Stockout
    counts (product, warehouse, day) snapshot rows of active products.
    aux_inventory_value carries the day's total stock value (all products) with
    denominator 1, aux_ops_fte the operations headcount of each month on its
    first day with denominator 1, so any grain averages them. Payment attempts
    are dated by their creation day (fct_payments: test customers' attempts
    are left out there). Each KPI has the breakdowns the catalog (seed kpi_definitions)
    lists for it; the first parcel's shipping mode stands for an order, so
    shipping emissions can only be cut by mode. -#}
{%- set shipped_kpis = [
    {'kpi_id': 'fulfilment_time_h', 'numerator': 'fulfilment_hours', 'denominator': 'shipped_parcels'},
    {'kpi_id': 'shipping_emissions_kg_per_order', 'numerator': 'emissions_kg_co2e', 'denominator': 'emission_orders'},
] -%}
{%- set delivered_kpis = [
    {'kpi_id': 'delivery_time_d', 'numerator': 'delivery_days', 'denominator': 'delivered_parcels'},
    {'kpi_id': 'on_time_delivery_rate', 'numerator': 'on_time_deliveries', 'denominator': 'promised_deliveries'},
] -%}
{%- set inventory_kpis = [
    {'kpi_id': 'stockout_rate', 'numerator': 'out_of_stock_product_days', 'denominator': 'active_product_days'},
    {'kpi_id': 'aux_inventory_value', 'numerator': 'inventory_value', 'denominator': '1'},
] -%}
{%- set breakdowns = kpi_catalog_breakdowns(
    (shipped_kpis + delivered_kpis + inventory_kpis) | map(attribute='kpi_id') | list + ['payment_success_rate']
) -%}
{%- set shipped_dimensions = kpi_dimensions(
    breakdowns, ['shipping_mode', 'carrier'], shipped_kpis | map(attribute='kpi_id') | list
) -%}
{%- set delivered_dimensions = kpi_dimensions(
    breakdowns, ['shipping_mode', 'carrier'], delivered_kpis | map(attribute='kpi_id') | list
) -%}
{%- set inventory_dimensions = kpi_dimensions(
    breakdowns, ['product_category', 'warehouse_id'], inventory_kpis | map(attribute='kpi_id') | list
) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

shipments as (

    select * from {{ ref('fct_shipments') }}

),

inventory as (

    select * from {{ ref('fct_inventory_daily') }}

),

payments as (

    select * from {{ ref('fct_payments') }}

),

headcount as (

    select * from {{ ref('fct_headcount_monthly') }}

),

shipped_units as (

    select
        shipped_date,
        shipping_mode,
        carrier,
        case when fulfilment_hours is not null then 1 else 0 end as shipped_parcels,
        coalesce(fulfilment_hours, 0) as fulfilment_hours,
        -- an order counts once, on its first parcel; an order with any parcel of
        -- unknown emissions is left out of the emissions KPI
        case
            when
                count(emissions_kg_co2e) over (partition by order_id) = count(*) over (partition by order_id)
                and row_number() over (partition by order_id order by shipped_at, shipment_id) = 1
                then 1
            else 0
        end as emission_orders,
        case
            when count(emissions_kg_co2e) over (partition by order_id) = count(*) over (partition by order_id)
                then emissions_kg_co2e
            else 0
        end as emissions_kg_co2e
    from shipments
    where shipped_at is not null

),

shipped_aggregated as (

    {{ kpi_aggregate_by_dimensions('shipped_units', 'shipped_date', shipped_dimensions, [
        'shipped_parcels', 'fulfilment_hours', 'emission_orders', 'emissions_kg_co2e',
    ]) }}

),

delivered_units as (

    select
        delivered_date,
        shipping_mode,
        carrier,
        case when delivery_days is not null then 1 else 0 end as delivered_parcels,
        coalesce(delivery_days, 0) as delivery_days,
        -- is_on_time exists for delivered parcels with a promise only
        case when is_on_time is not null then 1 else 0 end as promised_deliveries,
        case when is_on_time then 1 else 0 end as on_time_deliveries
    from shipments
    where delivered_at is not null

),

delivered_aggregated as (

    {{ kpi_aggregate_by_dimensions('delivered_units', 'delivered_date', delivered_dimensions, [
        'delivered_parcels', 'delivery_days', 'promised_deliveries', 'on_time_deliveries',
    ]) }}

),

inventory_units as (

    select
        snapshot_date,
        category as product_category,
        warehouse_id,
        case when is_active_product then 1 else 0 end as active_product_days,
        case when is_active_product and is_out_of_stock then 1 else 0 end as out_of_stock_product_days,
        coalesce(inventory_value, 0) as inventory_value
    from inventory

),

inventory_aggregated as (

    {{ kpi_aggregate_by_dimensions('inventory_units', 'snapshot_date', inventory_dimensions, [
        'active_product_days', 'out_of_stock_product_days', 'inventory_value',
    ]) }}

),

payment_units as (

    select
        created_date,
        payment_method,
        1 as payment_attempts,
        case when is_succeeded then 1 else 0 end as succeeded_payments
    from payments

),

payment_aggregated as (

    {{ kpi_aggregate_by_dimensions(
        'payment_units', 'created_date', kpi_dimensions(breakdowns, ['payment_method']),
        ['payment_attempts', 'succeeded_payments']
    ) }}

),

headcount_aggregated as (

    -- the operations headcount of each month, on its first day
    select
        month_start_date as date_day,
        'total' as dimension,
        'total' as dimension_value,
        sum(headcount_fte) as headcount_fte
    from headcount
    where team = 'operations'
    group by month_start_date

),

final as (

    {{ kpi_components_final([
        {'relation': 'shipped_aggregated', 'kpis': shipped_kpis},
        {'relation': 'delivered_aggregated', 'kpis': delivered_kpis},
        {'relation': 'inventory_aggregated', 'kpis': inventory_kpis},
        {'relation': 'payment_aggregated', 'kpis': [
            {'kpi_id': 'payment_success_rate', 'numerator': 'succeeded_payments', 'denominator': 'payment_attempts'},
        ]},
        {'relation': 'headcount_aggregated', 'kpis': [
            {'kpi_id': 'aux_ops_fte', 'numerator': 'headcount_fte', 'denominator': '1'},
        ]},
    ], breakdowns) }}

)

select * from final
