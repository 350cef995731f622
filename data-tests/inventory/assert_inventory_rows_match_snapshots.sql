{#- fct_inventory_daily must keep every snapshot row (left join to products, no
    filter on active products); returns one row when the counts differ. -#}
with

fct_inventory_daily as (

    select * from {{ ref('fct_inventory_daily') }}

),

snapshots as (

    select * from {{ ref('stg_shop__inventory_snapshots') }}

),

counts as (

    select
        (select count(*) from fct_inventory_daily) as fact_rows,
        (select count(*) from snapshots) as snapshot_rows

)

select * from counts
where fact_rows <> snapshot_rows
