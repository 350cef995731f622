{#- Daily closing stock per product and warehouse, for active and inactive
    products alike (stockout_rate filters on is_active_product; inventory value
    counts all stock). Unit costs are in the product's currency and are
    converted at the rate of the snapshot day, so the value of unchanged stock
    moves with the exchange rate as it would on a balance sheet. -#}
with

snapshots as (

    select * from {{ ref('stg_shop__inventory_snapshots') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

exchange_rates as (

    select * from {{ ref('stg_finance__exchange_rates') }}

),

with_product as (

    -- left join: every snapshot row stays, even for a product missing from the catalogue
    select
        snapshots.inventory_snapshot_id,
        snapshots.snapshot_date,
        snapshots.product_id,
        snapshots.warehouse_id,
        snapshots.on_hand_qty,
        snapshots.is_out_of_stock,
        products.category,
        products.currency,
        products.is_active as is_active_product,
        -- the snapshot's own cost; the catalogue cost when the snapshot has none
        coalesce(snapshots.unit_cost_local, products.unit_cost_local) as unit_cost_local
    from snapshots
    left join products
        on snapshots.product_id = products.product_id

),

with_rate as (

    -- the latest rate on or before the snapshot day
    select
        with_product.*,
        {{ reporting_rate('with_product.currency', 'rates.rate_to_reporting') }} as rate_to_reporting
    from with_product
    left join exchange_rates as rates
        on with_product.currency = rates.currency
            and with_product.snapshot_date >= rates.valid_from
            and with_product.snapshot_date < rates.valid_to

),

final as (

    select
        -- ids
        inventory_snapshot_id,
        snapshot_date,
        product_id,
        warehouse_id,

        -- product attributes
        category,
        is_active_product,

        -- stock
        on_hand_qty,
        is_out_of_stock,

        -- money
        currency,
        unit_cost_local,
        rate_to_reporting,
        {{ to_reporting_currency('unit_cost_local') }} as unit_cost,
        {{ to_reporting_currency('on_hand_qty * unit_cost_local') }} as inventory_value

    from with_rate

)

select * from final
