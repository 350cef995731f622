{%- set max_mape = setting('forecast_max_mape') -%}
{%- set min_daily_orders = setting('forecast_mape_min_daily_orders') -%}
with

backtest as (

    select * from {{ ref('gmv_forecast_backtest') }}

),

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

daily_orders as (

    select
        period_start as date_day,
        value as orders
    from kpi_values
    where
        kpi_id = 'orders'
        and grain = 'day'
        and dimension = 'total'

),

summary as (

    select
        avg(backtest.absolute_percentage_error) as backtest_mape,
        avg(daily_orders.orders) as mean_daily_orders
    from backtest
    left join daily_orders
        on backtest.target_date = daily_orders.date_day

)

select
    backtest_mape,
    mean_daily_orders
from summary
where
    mean_daily_orders >= {{ min_daily_orders }}
    and backtest_mape > {{ max_mape }}
