{#- Daily GMV forecast for the var forecast_horizon_days days after the last
    complete day (docs: gmv_forecast_method), with an interval from the
    backtest: forecast x the (1 -+ var forecast_interval_coverage) / 2
    quantiles of actual / forecast over gmv_forecast_backtest. Each day also
    carries its month's expected total (actual GMV of the month's complete
    days + the forecast of its remaining days, also those past the horizon)
    and the expected achievement against the month's gmv target
    (int_kpi_targets_spread: an explicit month target, or the month's share of
    a quarter or year target; NULL when there is none). -#}
{%- set coverage = setting_value('forecast_interval_coverage') -%}
with

forecasts as (

    select * from {{ ref('int_gmv_forecasts_computed') }}

),

backtest as (

    select * from {{ ref('gmv_forecast_backtest') }}

),

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

targets as (

    select * from {{ ref('int_kpi_targets_spread') }}

),

live as (

    select
        gmv_forecast_id,
        origin_date,
        target_date,
        horizon_days,
        is_in_horizon,
        promotion_name,
        level_gmv,
        weekday_index,
        yearly_factor,
        has_yearly_factor,
        forecast_gmv,
        cast({{ dbt.date_trunc('month', 'target_date') }} as date) as month_start
    from forecasts
    where not is_backtest

),

interval_ratios as (

    select
        {{ kpi_percentile('actual_to_forecast_ratio', (1 - coverage) / 2) }} as lower_ratio,
        {{ kpi_percentile('actual_to_forecast_ratio', (1 + coverage) / 2) }} as upper_ratio,
        avg(absolute_percentage_error) as backtest_mape
    from backtest

),

month_forecasts as (

    select
        month_start,
        min(origin_date) as origin_date,
        sum(forecast_gmv) as month_forecast_rest_gmv
    from live
    group by month_start

),

gmv_days as (

    select
        period_start as date_day,
        value as gmv
    from kpi_values
    where
        kpi_id = 'gmv'
        and grain = 'day'
        and dimension = 'total'
        and is_complete

),

month_actuals as (

    select
        month_forecasts.month_start,
        coalesce(sum(gmv_days.gmv), 0) as month_actual_to_date_gmv
    from month_forecasts
    left join gmv_days
        on
            month_forecasts.month_start <= gmv_days.date_day
            and month_forecasts.origin_date >= gmv_days.date_day
    group by month_forecasts.month_start

),

month_targets as (

    -- from the spread targets, which also reach months past the data's end
    select
        period_start as month_start,
        target as month_target_gmv
    from targets
    where
        kpi_id = 'gmv'
        and grain = 'month'
        and dimension = 'total'

),

months as (

    select
        month_forecasts.month_start,
        month_actuals.month_actual_to_date_gmv,
        month_forecasts.month_forecast_rest_gmv,
        month_targets.month_target_gmv,
        month_actuals.month_actual_to_date_gmv + month_forecasts.month_forecast_rest_gmv as month_expected_gmv
    from month_forecasts
    inner join month_actuals
        on month_forecasts.month_start = month_actuals.month_start
    left join month_targets
        on month_forecasts.month_start = month_targets.month_start

),

final as (

    select
        live.gmv_forecast_id,
        live.origin_date,
        live.target_date,
        live.horizon_days,
        live.promotion_name,
        live.level_gmv,
        live.weekday_index,
        live.yearly_factor,
        live.has_yearly_factor,
        live.forecast_gmv,
        live.forecast_gmv * interval_ratios.lower_ratio as forecast_lower_gmv,
        live.forecast_gmv * interval_ratios.upper_ratio as forecast_upper_gmv,
        {{ setting('forecast_interval_coverage') }} as interval_coverage,
        interval_ratios.backtest_mape,
        live.month_start,
        months.month_actual_to_date_gmv,
        months.month_forecast_rest_gmv,
        months.month_expected_gmv,
        months.month_target_gmv,
        months.month_expected_gmv / nullif(months.month_target_gmv, 0) as month_expected_achievement
    from live
    inner join months
        on live.month_start = months.month_start
    cross join interval_ratios
    where live.is_in_horizon

)

select * from final
