{#- Daily GMV forecasts from every forecast origin (docs: gmv_forecast_method).
    Origins: the last complete day (the live forecast) and, for the backtest,
    the var forecast_backtest_weeks days 7, 14, ... days before it. From origin
    o, the forecast of day d (o < d) is
        level x yearly factor x weekday index of d,
    all measured on days up to o only:
    - weekday index: mean GMV of each weekday over the var
      forecast_weekday_window_days days ending on o, promotion days left out,
      over the mean of the seven weekday means;
    - deseasonalised GMV of a day: its GMV / its weekday's index;
    - level: mean deseasonalised GMV of the var forecast_level_days days
      ending on o;
    - yearly factor (when the history holds the level window 364 days
      earlier): mean deseasonalised GMV of d's reference days last year / mean
      deseasonalised GMV of the level window 364 days earlier. Reference days:
      for a promotion day, last year's days of the same promotion; else the
      non-promotion days among d - 367 .. d - 361 (all seven when every one is
      a promotion day). Without a year of history the factor is 1.
    Live rows run to the end of the month of the horizon's last day, so that
    the month's expected total can be summed; backtest rows stop at the
    horizon and at the last complete day. -#}
{%- set horizon_days = setting_value('forecast_horizon_days') -%}
{%- set backtest_weeks = setting_value('forecast_backtest_weeks') -%}
{%- set level_days = setting_value('forecast_level_days') -%}
{%- set weekday_days = setting_value('forecast_weekday_window_days') -%}
{%- set history_days = [weekday_days, 364 + level_days, 400] | max -%}
with

kpi_values_unioned as (

    select * from {{ ref('int_kpi_values_unioned') }}

),

promotions as (

    select * from {{ ref('promotions_calendar') }}

),

gmv_days as (

    select
        period_start as date_day,
        cast(value as {{ kpi_type_double() }}) as gmv
    from kpi_values_unioned
    where
        kpi_id = 'gmv'
        and grain = 'day'
        and dimension = 'total'
        and is_complete
        and value is not null

),

data_span as (

    select
        min(date_day) as first_complete_date,
        max(date_day) as last_complete_date
    from gmv_days

),

offsets as (

    select generated_number as offset_number
    from ({{ dbt.generate_series([horizon_days + 31, backtest_weeks] | max) }}) as numbers

),

origins as (

    select
        0 as origin_number,
        false as is_backtest,
        last_complete_date as origin_date,
        last_complete_date,
        first_complete_date
    from data_span

    union all

    select
        offsets.offset_number as origin_number,
        true as is_backtest,
        cast({{ dbt.dateadd('day', '-7 * offsets.offset_number', 'data_span.last_complete_date') }} as date) as origin_date,
        data_span.last_complete_date,
        data_span.first_complete_date
    from data_span
    cross join offsets
    where offsets.offset_number <= {{ backtest_weeks }}

),

-- an origin needs a full level window behind it
usable_origins as (

    select
        origin_number,
        is_backtest,
        origin_date,
        last_complete_date,
        {{ dbt.dateadd('day', -(364 + level_days - 1), 'origin_date') }} >= first_complete_date as has_year_history
    from origins
    where {{ dbt.dateadd('day', -(level_days - 1), 'origin_date') }} >= first_complete_date

),

targets as (

    select
        usable_origins.origin_number,
        usable_origins.is_backtest,
        usable_origins.origin_date,
        usable_origins.has_year_history,
        offsets.offset_number as horizon_days,
        cast({{ dbt.dateadd('day', 'offsets.offset_number', 'usable_origins.origin_date') }} as date) as target_date,
        cast({{ dbt.dateadd('day', horizon_days, 'usable_origins.origin_date') }} as date) as horizon_end_date,
        usable_origins.last_complete_date
    from usable_origins
    cross join offsets

),

kept_targets as (

    select
        origin_number,
        is_backtest,
        origin_date,
        has_year_history,
        horizon_days,
        target_date,
        horizon_days <= {{ horizon_days }} as is_in_horizon
    from targets
    where
        (is_backtest and horizon_days <= {{ horizon_days }} and target_date <= last_complete_date)
        or (
            not is_backtest
            and target_date < {{ dbt.dateadd('month', 1, dbt.date_trunc('month', 'horizon_end_date')) }}
        )

),

-- days (history and forecast targets) with their weekday and promotion
calendar_days as (

    select date_day from gmv_days
    union
    select target_date as date_day from kept_targets

),

promotion_days as (

    select
        calendar_days.date_day,
        min(promotions.promotion_name) as promotion_name,
        min(promotions.start_date) as promotion_start_date
    from calendar_days
    inner join promotions
        on calendar_days.date_day between promotions.start_date and promotions.end_date
    group by calendar_days.date_day

),

days as (

    select
        calendar_days.date_day,
        -- 0 = Monday: 1970-01-05 was a Monday
        {{ dbt.datediff("cast('1970-01-05' as date)", 'calendar_days.date_day', 'day') }} % 7 as weekday_number,
        promotion_days.promotion_name,
        promotion_days.promotion_start_date,
        gmv_days.gmv
    from calendar_days
    left join promotion_days
        on calendar_days.date_day = promotion_days.date_day
    left join gmv_days
        on calendar_days.date_day = gmv_days.date_day

),

-- each origin's history (days up to the origin)
origin_history as (

    select
        usable_origins.origin_number,
        usable_origins.origin_date,
        {{ dbt.datediff('days.date_day', 'usable_origins.origin_date', 'day') }} as days_before_origin,
        days.date_day,
        days.weekday_number,
        days.promotion_name,
        days.promotion_start_date,
        days.gmv
    from usable_origins
    inner join days
        on
            usable_origins.origin_date >= days.date_day
            and days.date_day > {{ dbt.dateadd('day', -history_days, 'usable_origins.origin_date') }}
    where days.gmv is not null

),

weekday_means as (

    select
        origin_number,
        weekday_number,
        avg(gmv) as weekday_mean_gmv
    from origin_history
    where
        days_before_origin < {{ weekday_days }}
        and promotion_name is null
    group by origin_number, weekday_number

),

weekday_indices as (

    select
        origin_number,
        weekday_number,
        weekday_mean_gmv / nullif(avg(weekday_mean_gmv) over (partition by origin_number), 0) as weekday_index
    from weekday_means

),

deseasonalised as (

    select
        origin_history.origin_number,
        origin_history.days_before_origin,
        origin_history.date_day,
        origin_history.promotion_name,
        origin_history.promotion_start_date,
        origin_history.gmv / nullif(weekday_indices.weekday_index, 0) as adjusted_gmv
    from origin_history
    inner join weekday_indices
        on
            origin_history.origin_number = weekday_indices.origin_number
            and origin_history.weekday_number = weekday_indices.weekday_number

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
        kept_targets.origin_number,
        kept_targets.is_backtest,
        kept_targets.origin_date,
        kept_targets.has_year_history,
        kept_targets.horizon_days,
        kept_targets.is_in_horizon,
        kept_targets.target_date,
        days.weekday_number,
        days.promotion_name,
        days.promotion_start_date,
        days.gmv as actual_gmv
    from kept_targets
    inner join days
        on kept_targets.target_date = days.date_day

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
        weekday_indices.weekday_index,
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
    inner join weekday_indices
        on
            target_days.origin_number = weekday_indices.origin_number
            and target_days.weekday_number = weekday_indices.weekday_number
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
