{#- Every amount outside the reporting currency must find an exchange rate on or
    before its day; otherwise the warehouse would mix currencies. Returns one row
    per (table, currency) with the number of amounts that have no rate and the
    first day affected. Add the missing rates to finance_exchange_rates. -#}
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

missing as (

    select
        'shop_orders' as table_name,
        currency,
        ordered_date as amount_date
    from orders
    where rate_to_reporting is null

    union all

    select
        'shop_payments' as table_name,
        currency,
        created_date as amount_date
    from payments
    where rate_to_reporting is null

    union all

    select
        'marketing_ad_spend' as table_name,
        currency,
        spend_date as amount_date
    from ad_spend
    where rate_to_reporting is null

),

final as (

    select
        table_name,
        currency,
        count(*) as amounts_without_rate,
        min(amount_date) as first_day_without_rate
    from missing
    group by table_name, currency

)

select * from final
