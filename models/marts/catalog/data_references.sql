{#- The references between raw tables that the contract does not enforce
    (an order's customer, a refund's order item, a web event's order, a
    review's product, ...): one
    row per referring column, counting the rows whose value names no row of
    the referred table. Such rows meet the contract and are loaded: a daily
    export cut before its order file holds purchase events of orders that
    arrive the next day, a partial customer export leaves older orders'
    customers out. They are reported here, not as build warnings (D296). The
    references the loader enforces (order items, payments, refunds and
    shipments of a known order, an item's product) are rejected at load and
    tested on the sources. Every loaded row is counted, test accounts
    included. -#}
with

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

refunds as (

    select * from {{ ref('stg_shop__refunds') }}

),

reviews as (

    select * from {{ ref('stg_shop__reviews') }}

),

inventory_snapshots as (

    select * from {{ ref('stg_shop__inventory_snapshots') }}

),

web_events as (

    select * from {{ ref('stg_web__events') }}

),

activity_participants as (

    select * from {{ ref('stg_marketing__activity_participants') }}

),

support_tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

nps_responses as (

    select * from {{ ref('stg_survey__nps_responses') }}

),

references_checked as (

    {{ unresolved_reference('orders', 'customer_id', 'shop_orders', 'customers', 'customer_id', 'shop_customers') }}
    union all
    {{ unresolved_reference(
        'refunds', 'order_item_id', 'shop_refunds', 'order_items', 'order_item_id', 'shop_order_items'
    ) }}
    union all
    {{ unresolved_reference('reviews', 'order_id', 'shop_reviews', 'orders', 'order_id', 'shop_orders') }}
    union all
    {{ unresolved_reference('reviews', 'product_id', 'shop_reviews', 'products', 'product_id', 'shop_products') }}
    union all
    {{ unresolved_reference('reviews', 'customer_id', 'shop_reviews', 'customers', 'customer_id', 'shop_customers') }}
    union all
    {{ unresolved_reference(
        'inventory_snapshots', 'product_id', 'shop_inventory_snapshots', 'products', 'product_id', 'shop_products'
    ) }}
    union all
    {{ unresolved_reference('web_events', 'customer_id', 'web_events', 'customers', 'customer_id', 'shop_customers') }}
    union all
    {{ unresolved_reference('web_events', 'order_id', 'web_events', 'orders', 'order_id', 'shop_orders') }}
    union all
    {{ unresolved_reference('web_events', 'product_id', 'web_events', 'products', 'product_id', 'shop_products') }}
    union all
    {{ unresolved_reference(
        'activity_participants', 'customer_id', 'marketing_activity_participants',
        'customers', 'customer_id', 'shop_customers'
    ) }}
    union all
    {{ unresolved_reference(
        'support_tickets', 'customer_id', 'support_tickets', 'customers', 'customer_id', 'shop_customers'
    ) }}
    union all
    {{ unresolved_reference('support_tickets', 'order_id', 'support_tickets', 'orders', 'order_id', 'shop_orders') }}
    union all
    {{ unresolved_reference('nps_responses', 'customer_id', 'survey_nps', 'customers', 'customer_id', 'shop_customers') }}

),

final as (

    select
        {{ surrogate_key(['table_name', 'column_name']) }} as data_reference_id,
        table_name,
        column_name,
        {{ dbt.concat(['table_name', "'.'", 'column_name']) }} as raw_input,
        refers_to_table,
        refers_to_column,
        checked_rows,
        unresolved_rows,
        unresolved_keys,
        example_unresolved_key,
        unresolved_rows = 0 as is_resolved
    from references_checked

)

select * from final
