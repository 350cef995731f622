{#- Every money amount outside the reporting currency must find an exchange
    rate on or before its day; otherwise the warehouse would mix currencies or
    lose the amount (NULL). Checked on every money column with a currency, where
    it is converted: orders, payments and ad spend (their own currency, their
    own day), refunds and order lines (the order's currency and day), the
    product cost of order lines (the product's currency on the order day), stock
    (the product's currency on the snapshot day), and product prices and costs
    whose currency has no rate on any day. Returns one row per model, column
    (the columns converted with one rate are named together) and currency with
    the number of amounts and days without a rate and the first and last day
    affected. Add the missing rates to finance_exchange_rates. -#}
with

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

payments as (

    select * from {{ ref('stg_shop__payments') }}

),

ad_spend as (

    select * from {{ ref('stg_marketing__ad_spend') }}

),

refunds as (

    select * from {{ ref('int_refunds_dated_by_order') }}

),

order_items as (

    select * from {{ ref('int_order_items_costed') }}

),

inventory as (

    select * from {{ ref('fct_inventory_daily') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

exchange_rates as (

    select * from {{ ref('stg_finance__exchange_rates') }}

),

missing as (

    select
        'stg_shop__orders' as model_name,
        'items_amount_local, discount_amount_local, merchandise_amount_local, shipping_amount_local, '
        || 'tax_amount_local, total_amount_local' as column_name,
        currency,
        ordered_date as amount_date
    from orders
    where rate_to_reporting is null

    union all

    select
        'stg_shop__payments' as model_name,
        'amount_local' as column_name,
        currency,
        created_date as amount_date
    from payments
    where rate_to_reporting is null and amount_local is not null

    union all

    select
        'stg_marketing__ad_spend' as model_name,
        'spend_local' as column_name,
        currency,
        spend_date as amount_date
    from ad_spend
    where rate_to_reporting is null and spend_local is not null

    union all

    select
        'int_refunds_dated_by_order' as model_name,
        'amount_local' as column_name,
        currency,
        ordered_date as amount_date
    from refunds
    where rate_to_reporting is null and amount_local is not null

    union all

    select
        'int_order_items_costed' as model_name,
        'unit_price_local, merchandise_amount_local' as column_name,
        currency,
        ordered_date as amount_date
    from order_items
    where rate_to_reporting is null

    union all

    -- the product's cost, in the product's currency on the order day
    select
        'int_order_items_costed' as model_name,
        'product_unit_cost_local' as column_name,
        product_currency as currency,
        ordered_date as amount_date
    from order_items
    where product_rate_to_reporting is null and product_unit_cost_local is not null

    union all

    select
        'fct_inventory_daily' as model_name,
        'unit_cost_local' as column_name,
        currency,
        snapshot_date as amount_date
    from inventory
    where rate_to_reporting is null and unit_cost_local is not null

    union all

    -- a product price or cost in a currency without a rate on any day
    select
        'stg_shop__products' as model_name,
        'list_price_local, unit_cost_local' as column_name,
        products.currency,
        cast(null as date) as amount_date
    from products
    where
        coalesce(products.list_price_local, products.unit_cost_local) is not null
        and coalesce(products.currency, '') <> {{ setting('reporting_currency') }}
        and not exists (
            select 1
            from exchange_rates
            where exchange_rates.currency = products.currency
        )

),

final as (

    select
        model_name,
        column_name,
        currency,
        count(*) as amounts_without_rate,
        count(distinct amount_date) as days_without_rate,
        min(amount_date) as first_day_without_rate,
        max(amount_date) as last_day_without_rate
    from missing
    group by model_name, column_name, currency

)

select * from final
