{#- Daily KPI components of orders and money (kpi_id, date_day, dimension,
    dimension_value, numerator, denominator, is_complete), all dated by the
    order day: one unit per placed order from fct_orders, plus the product
    category breakdown of the money KPIs from the order lines. Customer
    attributes (country, gender, acquisition channel group) are the ordering
    customer's; a guest order has none and reports them as 'unknown'. Each KPI
    has the breakdowns the catalog (seed kpi_definitions) lists for it.
    Incremental: a run recomputes, whole, every order day of an order that
    fct_orders rebuilds (macro order_days_to_rebuild): refunds are dated by
    the order, so a refund completed today changes the day its order was
    placed, not today. -#}
{{
    config(
        materialized=incremental_materialization(),
        meta={'rebuilt_rows_date_column': 'date_day'},
        incremental_strategy='delete+insert',
        unique_key='date_day',
        on_schema_change='fail',
    )
}}
{%- set order_measures = [
    'placed_orders', 'cancelled_orders', 'valid_orders', 'refunded_valid_orders',
    'cross_sell_orders', 'first_valid_orders', 'units', 'gmv', 'net_revenue', 'cogs',
    'valid_merchandise_amount', 'refunded_amount', 'repeat_net_revenue',
] -%}
{%- set item_measures = ['gmv', 'net_revenue', 'cogs', 'valid_merchandise_amount', 'refunded_amount'] -%}
{%- set order_kpis = [
    {'kpi_id': 'gmv', 'numerator': 'gmv'},
    {'kpi_id': 'net_revenue', 'numerator': 'net_revenue'},
    {'kpi_id': 'orders', 'numerator': 'placed_orders'},
    {'kpi_id': 'aov', 'numerator': 'gmv', 'denominator': 'placed_orders'},
    {'kpi_id': 'units_per_order', 'numerator': 'units', 'denominator': 'placed_orders'},
    {'kpi_id': 'cancellation_rate', 'numerator': 'cancelled_orders', 'denominator': 'placed_orders'},
    {'kpi_id': 'refund_rate', 'numerator': 'refunded_valid_orders', 'denominator': 'valid_orders'},
    {'kpi_id': 'refund_value_rate', 'numerator': 'refunded_amount', 'denominator': 'valid_merchandise_amount'},
    {'kpi_id': 'gross_margin_pct', 'numerator': 'net_revenue - cogs', 'denominator': 'net_revenue'},
    {'kpi_id': 'repeat_revenue_share', 'numerator': 'repeat_net_revenue', 'denominator': 'net_revenue'},
    {'kpi_id': 'cross_sell_rate', 'numerator': 'cross_sell_orders', 'denominator': 'valid_orders'},
    {'kpi_id': 'new_customers', 'numerator': 'first_valid_orders'},
    {'kpi_id': 'aux_cogs', 'numerator': 'cogs'},
] -%}
{#- the money KPIs with a product category breakdown, from the order lines -#}
{%- set item_kpis = [
    {'kpi_id': 'gmv', 'numerator': 'gmv'},
    {'kpi_id': 'net_revenue', 'numerator': 'net_revenue'},
    {'kpi_id': 'refund_value_rate', 'numerator': 'refunded_amount', 'denominator': 'valid_merchandise_amount'},
    {'kpi_id': 'gross_margin_pct', 'numerator': 'net_revenue - cogs', 'denominator': 'net_revenue'},
] -%}
{%- set breakdowns = kpi_catalog_breakdowns(order_kpis | map(attribute='kpi_id') | list) -%}
{%- set order_dimensions = kpi_dimensions(breakdowns, [
    'sales_channel', 'traffic_channel_group', 'device_type', 'country_code', 'customer_type', 'customer_gender',
    'acquisition_channel_group',
]) -%}
{%- set item_dimensions = kpi_dimensions(breakdowns, ['product_category']) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

all_orders as (

    select * from {{ ref('int_orders_customers_joined') }}

),

all_order_items as (

    select * from {{ ref('fct_order_items') }}

),

-- raw_orders, refunds and events are read on incremental runs only (days_to_rebuild)
raw_orders as (  -- noqa: ST03

    select * from {{ ref('stg_shop__orders') }}

),

refunds as (  -- noqa: ST03

    select * from {{ ref('stg_shop__refunds') }}

),

events as (  -- noqa: ST03

    select * from {{ ref('stg_web__events') }}

),

{% if is_incremental() -%}
    days_to_rebuild as (

        {{ order_days_to_rebuild('raw_orders', 'refunds', 'events', incremental_window_start('date_day')) }}

    ),
{%- endif %}

orders as (

    select all_orders.*
    from all_orders
    {% if is_incremental() -%}
        where all_orders.ordered_date in (select days_to_rebuild.rebuilt_date from days_to_rebuild)
    {%- endif %}

),

order_items as (

    select all_order_items.*
    from all_order_items
    {% if is_incremental() -%}
        where all_order_items.ordered_date in (select days_to_rebuild.rebuilt_date from days_to_rebuild)
    {%- endif %}

),

order_units as (

    -- one row per placed order
    select
        orders.ordered_date,

        -- breakdowns
        orders.sales_channel,
        orders.traffic_channel_group,
        orders.device_type,
        orders.customer_type,
        orders.country_code,
        orders.customer_gender,
        orders.acquisition_channel_group,

        -- amounts (money in the reporting currency)
        orders.units,
        orders.merchandise_amount as gmv,
        orders.net_revenue,
        orders.cogs,

        -- counts and amounts by status
        1 as placed_orders,
        case when orders.is_cancelled then 1 else 0 end as cancelled_orders,
        case when orders.is_valid then 1 else 0 end as valid_orders,
        case when orders.is_valid and orders.has_completed_refund then 1 else 0 end as refunded_valid_orders,
        case when orders.is_valid and orders.distinct_categories >= 2 then 1 else 0 end as cross_sell_orders,
        case when orders.is_first_order then 1 else 0 end as first_valid_orders,
        case when orders.is_valid then orders.merchandise_amount else 0 end as valid_merchandise_amount,
        case when orders.is_valid then orders.completed_refund_amount else 0 end as refunded_amount,
        case when orders.customer_valid_order_number >= 2 then orders.net_revenue else 0 end as repeat_net_revenue

    from orders

),

item_units as (

    -- one row per order line, for the product category breakdown
    select
        ordered_date,
        category as product_category,
        merchandise_amount as gmv,
        net_revenue,
        net_cogs as cogs,
        case when is_valid then merchandise_amount else 0 end as valid_merchandise_amount,
        case when is_valid then refunded_amount else 0 end as refunded_amount
    from order_items

),

order_aggregated as (

    {{ kpi_aggregate_by_dimensions('order_units', 'ordered_date', order_dimensions, order_measures) }}

),

item_aggregated as (

    {{ kpi_aggregate_by_dimensions('item_units', 'ordered_date', item_dimensions, item_measures) }}

),

final as (

    {#- the totals come from the orders; the lines only add their breakdowns #}
    {{ kpi_components_final([
        {'relation': 'order_aggregated', 'kpis': order_kpis},
        {'relation': 'item_aggregated', 'kpis': item_kpis, 'where': "dimension <> 'total'"},
    ], breakdowns) }}

)

select * from final
