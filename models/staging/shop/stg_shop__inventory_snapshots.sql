with

source as (

    select * from {{ source('shop', 'inventory_snapshots') }}

),

renamed as (

    select
        -- ids: the natural key is (snapshot_date, product_id, warehouse_id)
        {{ surrogate_key(['snapshot_date', 'product_id', 'warehouse_id']) }} as inventory_snapshot_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(coalesce(warehouse_id, 'default') as {{ dbt.type_string() }}) as warehouse_id,

        -- the snapshot is stock at the end of this calendar day
        snapshot_date,

        -- stock
        cast(on_hand_qty as {{ dbt.type_int() }}) as on_hand_qty,
        on_hand_qty = 0 as is_out_of_stock,

        -- money, in the product's currency
        cast(unit_cost as {{ dbt.type_numeric() }}) as unit_cost_local

    from source

)

select * from renamed
