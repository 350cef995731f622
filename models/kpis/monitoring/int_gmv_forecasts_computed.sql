{#- Daily GMV forecasts from every forecast origin (docs: gmv_forecast_method)
    for the days it forecasts (int_gmv_forecast_targets_listed: the live
    origin and the backtest origins). From origin o, the forecast of day d
    (o < d) is
        level x yearly factor x weekday index of d,
    all measured on days up to o only (int_gmv_forecast_days_deseasonalised:
    weekday index, and deseasonalised GMV = GMV / weekday index):
    - level: mean deseasonalised GMV of the var forecast_level_days days
      ending on o;
    - yearly factor (when the history holds the level window 364 days
      earlier): mean deseasonalised GMV of d's reference days last year / mean
      deseasonalised GMV of the level window 364 days earlier. Reference days:
      for a promotion day, last year's days of the same promotion; else the
      non-promotion days among d - 367 .. d - 361 (all seven when every one is
      a promotion day). Without a year of history the factor is 1. -#}
{%- set level_days = setting_value('forecast_level_days') -%}
with

forecast_targets as (

    select * from {{ ref('int_gmv_forecast_targets_listed') }}

),

forecast_days as (

    select * from {{ ref('int_gmv_forecast_days_deseasonalised') }}

),

deseasonalised as (

    select
        origin_number,
        days_before_origin,
        date_day,
        promotion_name,
        promotion_start_date,
        adjusted_gmv
    from forecast_days
    where not is_target

),

levels as (

    select
        origin_number,
        avg(case when days_before_origin < {{ level_days }} then adjusted_gmv end) as level_gmv,
        avg(
            case
                when days_before_origin between 364 and {{ 364 + level_days - 1 }} then adjusted_gmv
            end
        ) as last_year_level_gmv,
        sum(case when days_before_origin between 364 and {{ 364 + level_days - 1 }} then 1 else 0 end)
            as last_year_level_days
    from deseasonalised
    group by origin_number

),

target_days as (

    select
        forecast_targets.origin_number,
        forecast_targets.is_backtest,
        forecast_targets.origin_date,
        forecast_targets.has_year_history,
        forecast_targets.horizon_days,
        forecast_targets.is_in_horizon,
        forecast_targets.target_date,
        forecast_days.weekday_index,
        forecast_days.promotion_name,
        forecast_days.promotion_start_date,
        forecast_days.gmv as actual_gmv
    from forecast_targets
    inner join forecast_days
        on
            forecast_targets.origin_number = forecast_days.origin_number
            and forecast_targets.target_date = forecast_days.date_day
            and forecast_days.is_target

),

-- last year's days of the target's own promotion (its occurrence starting
-- 330 to 400 days before this one)
promotion_references as (

    select
        target_days.origin_number,
        target_days.target_date,
        avg(deseasonalised.adjusted_gmv) as reference_gmv
    from target_days
    inner join deseasonalised
        on
            target_days.origin_number = deseasonalised.origin_number
            and target_days.promotion_name = deseasonalised.promotion_name
            and deseasonalised.promotion_start_date
            between {{ dbt.dateadd('day', -400, 'target_days.promotion_start_date') }}
            and {{ dbt.dateadd('day', -330, 'target_days.promotion_start_date') }}
    group by target_days.origin_number, target_days.target_date

),

-- the week around the same weekday last year (d - 364 +- 3 days)
week_references as (

    select
        target_days.origin_number,
        target_days.target_date,
        avg(case when deseasonalised.promotion_name is null then deseasonalised.adjusted_gmv end)
            as plain_reference_gmv,
        avg(deseasonalised.adjusted_gmv) as any_reference_gmv
    from target_days
    inner join deseasonalised
        on
            target_days.origin_number = deseasonalised.origin_number
            and deseasonalised.date_day
            between {{ dbt.dateadd('day', -367, 'target_days.target_date') }}
            and {{ dbt.dateadd('day', -361, 'target_days.target_date') }}
    group by target_days.origin_number, target_days.target_date

),

factored as (

    select
        target_days.origin_number,
        target_days.is_backtest,
        target_days.origin_date,
        target_days.horizon_days,
        target_days.is_in_horizon,
        target_days.target_date,
        target_days.promotion_name,
        target_days.actual_gmv,
        levels.level_gmv,
        target_days.weekday_index,
        target_days.has_year_history and levels.last_year_level_days = {{ level_days }} as has_full_last_year,
        levels.last_year_level_gmv,
        coalesce(
            promotion_references.reference_gmv,
            week_references.plain_reference_gmv,
            week_references.any_reference_gmv
        ) as reference_gmv
    from target_days
    inner join levels
        on target_days.origin_number = levels.origin_number
    left join promotion_references
        on
            target_days.origin_number = promotion_references.origin_number
            and target_days.target_date = promotion_references.target_date
    left join week_references
        on
            target_days.origin_number = week_references.origin_number
            and target_days.target_date = week_references.target_date

),

yearly as (

    select
        origin_number,
        is_backtest,
        origin_date,
        horizon_days,
        is_in_horizon,
        target_date,
        promotion_name,
        actual_gmv,
        level_gmv,
        weekday_index,
        case
            when has_full_last_year then reference_gmv / nullif(last_year_level_gmv, 0)
        end as yearly_factor
    from factored

),

final as (

    select
        {{ surrogate_key(['origin_date', 'target_date']) }} as gmv_forecast_id,
        origin_number,
        is_backtest,
        origin_date,
        target_date,
        horizon_days,
        is_in_horizon,
        promotion_name,
        level_gmv,
        weekday_index,
        yearly_factor is not null as has_yearly_factor,
        coalesce(yearly_factor, 1.0) as yearly_factor,
        level_gmv * weekday_index * coalesce(yearly_factor, 1.0) as forecast_gmv,
        actual_gmv
    from yearly

)

select * from final
