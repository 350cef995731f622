{#- Rolling-origin backtest of the daily GMV forecast (docs:
    gmv_forecast_method): from each of the var forecast_backtest_weeks origins
    7, 14, ... days before the last complete day, the forecast of each day of
    the var forecast_horizon_days horizon that is already complete, next to
    the actual. Absolute percentage error per day (NULL when the actual is 0),
    and the MAPE (mean of those errors) per origin, per horizon week and over
    the whole backtest. -#}
with

forecasts as (

    select * from {{ ref('int_gmv_forecasts_computed') }}

),

backtest as (

    select
        gmv_forecast_id,
        origin_number,
        origin_date,
        target_date,
        horizon_days,
        promotion_name,
        level_gmv,
        weekday_index,
        yearly_factor,
        has_yearly_factor,
        forecast_gmv,
        actual_gmv,
        actual_gmv - forecast_gmv as error_gmv,
        abs(actual_gmv - forecast_gmv) / nullif(actual_gmv, 0) as absolute_percentage_error,
        actual_gmv / nullif(forecast_gmv, 0) as actual_to_forecast_ratio,
        cast(floor((horizon_days - 1) / 7) as {{ dbt.type_int() }}) + 1 as horizon_week
    from forecasts
    where is_backtest

),

final as (

    select
        gmv_forecast_id,
        origin_number,
        origin_date,
        target_date,
        horizon_days,
        horizon_week,
        promotion_name,
        level_gmv,
        weekday_index,
        yearly_factor,
        has_yearly_factor,
        forecast_gmv,
        actual_gmv,
        error_gmv,
        absolute_percentage_error,
        actual_to_forecast_ratio,
        avg(absolute_percentage_error) over (partition by origin_date) as origin_mape,
        avg(absolute_percentage_error) over (partition by horizon_week) as horizon_week_mape,
        avg(absolute_percentage_error) over () as backtest_mape
    from backtest

)

select * from final
