with

forecast as (

    select * from {{ ref('gmv_forecast_daily') }}

),

months as (

    select
        month_start,
        min(month_actual_to_date_gmv) as month_actual_to_date_gmv,
        min(month_forecast_rest_gmv) as month_forecast_rest_gmv,
        min(month_expected_gmv) as month_expected_gmv,
        max(month_expected_gmv) as max_month_expected_gmv,
        sum(forecast_gmv) as horizon_forecast_gmv,
        sum(
            case
                when forecast_lower_gmv > forecast_gmv or forecast_upper_gmv < forecast_gmv then 1
                else 0
            end
        ) as days_outside_interval
    from forecast
    group by month_start

)

select
    month_start,
    month_actual_to_date_gmv,
    month_forecast_rest_gmv,
    month_expected_gmv,
    horizon_forecast_gmv,
    days_outside_interval
from months
where
    abs(month_actual_to_date_gmv + month_forecast_rest_gmv - month_expected_gmv) > 0.01
    or month_expected_gmv <> max_month_expected_gmv
    or month_forecast_rest_gmv < horizon_forecast_gmv - 0.01
    or days_outside_interval > 0
