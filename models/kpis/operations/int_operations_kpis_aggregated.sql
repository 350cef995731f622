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
    are dated by their creation day; test customers' payments are left out
    (payments of orders unknown to the shop are kept: nothing says they are
    tests'). Var kpi_breakdowns (default true) set to false keeps only the
    total rows (unit tests). -#}
{%- set breakdowns = setting_value('kpi_breakdowns') -%}
{%- set parcel_dimensions = ['shipping_mode', 'carrier'] if breakdowns else [] -%}
{%- set inventory_dimensions = ['product_category', 'warehouse_id'] if breakdowns else [] -%}
{%- set payment_dimensions = ['payment_method'] if breakdowns else [] -%}
{%- set shipped_measures = [
    'shipped_parcels',
    'fulfilment_hours',
    'emission_orders',
    'emissions_kg_co2e',
] -%}
with

shipments as (

    select * from {{ ref('fct_shipments') }}

),

inventory as (

    select * from {{ ref('fct_inventory_daily') }}

),

payments as (

    select * from {{ ref('stg_shop__payments') }}

),

orders as (

    select * from {{ ref('int_orders_enriched') }}

),

headcount as (

    select * from {{ ref('stg_org__headcount') }}

),

shipped as (

    select
        shipment_id,
        order_id,
        shipped_at,
        shipped_date,
        shipping_mode,
        carrier,
        fulfilment_hours,
        emissions_kg_co2e,
        -- an order with any parcel of unknown emissions is left out of the emissions KPI
        count(emissions_kg_co2e) over (partition by order_id)
        = count(*) over (partition by order_id) as has_known_emissions,
        row_number() over (partition by order_id order by shipped_at, shipment_id) as order_parcel_number
    from shipments
    where shipped_at is not null

),

shipped_units as (

    select
        shipped_date,
        shipping_mode,
        carrier,
        case when fulfilment_hours is not null then 1 else 0 end as shipped_parcels,
        coalesce(fulfilment_hours, 0) as fulfilment_hours,
        case when has_known_emissions and order_parcel_number = 1 then 1 else 0 end as emission_orders,
        case when has_known_emissions then emissions_kg_co2e else 0 end as emissions_kg_co2e
    from shipped

),

shipped_aggregated as (

    {{ kpi_aggregate_by_dimensions('shipped_units', 'shipped_date', parcel_dimensions, shipped_measures) }}

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

    {{ kpi_aggregate_by_dimensions('delivered_units', 'delivered_date', parcel_dimensions, [
        'delivered_parcels',
        'delivery_days',
        'promised_deliveries',
        'on_time_deliveries',
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
        'active_product_days',
        'out_of_stock_product_days',
        'inventory_value',
    ]) }}

),

payment_units as (

    select
        payments.created_date,
        payments.payment_method,
        1 as payment_attempts,
        case when payments.is_succeeded then 1 else 0 end as succeeded_payments
    from payments
    left join orders
        on payments.order_id = orders.order_id
    where not coalesce(orders.is_test, false)

),

payment_aggregated as (

    {{ kpi_aggregate_by_dimensions('payment_units', 'created_date', payment_dimensions, [
        'payment_attempts',
        'succeeded_payments',
    ]) }}

),

headcount_units as (

    select
        month_start_date,
        headcount_fte
    from headcount
    where team = 'operations'

),

headcount_aggregated as (

    {{ kpi_aggregate_by_dimensions('headcount_units', 'month_start_date', [], ['headcount_fte']) }}

),

shipped_kpis as (

    {{ kpi_unpivot('shipped_aggregated', [
        {'kpi_id': 'fulfilment_time_h', 'numerator': 'fulfilment_hours', 'denominator': 'shipped_parcels'},
    ]) }}

),

emission_kpis as (

    {{ kpi_unpivot('shipped_aggregated', [
        {'kpi_id': 'shipping_emissions_kg_per_order', 'numerator': 'emissions_kg_co2e',
            'denominator': 'emission_orders'},
    ]) }}

),

delivered_kpis as (

    {{ kpi_unpivot('delivered_aggregated', [
        {'kpi_id': 'delivery_time_d', 'numerator': 'delivery_days', 'denominator': 'delivered_parcels'},
        {'kpi_id': 'on_time_delivery_rate', 'numerator': 'on_time_deliveries', 'denominator': 'promised_deliveries'},
    ]) }}

),

stockout_kpis as (

    {{ kpi_unpivot('inventory_aggregated', [
        {'kpi_id': 'stockout_rate', 'numerator': 'out_of_stock_product_days', 'denominator': 'active_product_days'},
    ]) }}

),

inventory_value_kpis as (

    {{ kpi_unpivot('inventory_aggregated', [
        {'kpi_id': 'aux_inventory_value', 'numerator': 'inventory_value', 'denominator': '1'},
    ]) }}

),

payment_kpis as (

    {{ kpi_unpivot('payment_aggregated', [
        {'kpi_id': 'payment_success_rate', 'numerator': 'succeeded_payments', 'denominator': 'payment_attempts'},
    ]) }}

),

fte_kpis as (

    {{ kpi_unpivot('headcount_aggregated', [
        {'kpi_id': 'aux_ops_fte', 'numerator': 'headcount_fte', 'denominator': '1'},
    ]) }}

),

unioned as (

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from shipped_kpis

    union all

    -- parcels of one order could travel by different carriers; the first parcel's
    -- mode stands for the order, so only the mode breakdown is kept
    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from emission_kpis
    where dimension in ('total', 'shipping_mode')

    union all

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from delivered_kpis

    union all

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from stockout_kpis

    union all

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from inventory_value_kpis
    where dimension = 'total'

    union all

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from payment_kpis

    union all

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from fte_kpis

),

final as (

    select
        kpi_id,
        cast(date_day as date) as date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from unioned

)

select * from final
