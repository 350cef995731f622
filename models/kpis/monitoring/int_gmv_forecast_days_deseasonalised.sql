{#- Each GMV forecast origin's calendar (docs: gmv_forecast_method): the days
    of its history (complete GMV days up to the origin) and the days it
    forecasts (int_gmv_forecast_targets_listed), each with its weekday, its
    promotion (promotions_calendar) and the origin's weekday index: the mean
    GMV of the weekday over the var forecast_weekday_window_days days ending
    on the origin, promotion days left out, over the mean of the seven weekday
    means. A history day's GMV divided by its weekday index is its
    deseasonalised (adjusted) GMV. Measured on days up to the origin only. -#}
{%- set level_days = setting_value('forecast_level_days') -%}
{%- set weekday_days = setting_value('forecast_weekday_window_days') -%}
{%- set history_days = [weekday_days, 364 + level_days, 400] | max -%}
with

kpi_values_unioned as (

    select * from {{ ref('int_kpi_values_unioned') }}

),

forecast_targets as (

    select * from {{ ref('int_gmv_forecast_targets_listed') }}

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

origins as (

    select distinct
        origin_number,
        origin_date
    from forecast_targets

),

-- days (history and forecast targets) with their weekday and promotion
calendar_days as (

    select date_day from gmv_days
    union
    select target_date as date_day from forecast_targets

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

-- each origin's history (days up to the origin) and forecast days
origin_days as (

    select
        origins.origin_number,
        origins.origin_date,
        false as is_target,
        days.date_day
    from origins
    inner join days
        on
            origins.origin_date >= days.date_day
            and days.date_day > {{ dbt.dateadd('day', -history_days, 'origins.origin_date') }}
    where days.gmv is not null

    union all

    select
        origin_number,
        origin_date,
        true as is_target,
        target_date as date_day
    from forecast_targets

),

origin_calendar as (

    select
        origin_days.origin_number,
        origin_days.origin_date,
        origin_days.is_target,
        origin_days.date_day,
        {{ dbt.datediff('origin_days.date_day', 'origin_days.origin_date', 'day') }} as days_before_origin,
        days.weekday_number,
        days.promotion_name,
        days.promotion_start_date,
        days.gmv
    from origin_days
    inner join days
        on origin_days.date_day = days.date_day

),

weekday_means as (

    select
        origin_number,
        weekday_number,
        avg(gmv) as weekday_mean_gmv
    from origin_calendar
    where
        not is_target
        and days_before_origin < {{ weekday_days }}
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

final as (

    select
        origin_calendar.origin_number,
        origin_calendar.origin_date,
        origin_calendar.date_day,
        origin_calendar.is_target,
        origin_calendar.days_before_origin,
        origin_calendar.weekday_number,
        origin_calendar.promotion_name,
        origin_calendar.promotion_start_date,
        origin_calendar.gmv,
        weekday_indices.weekday_index,
        case
            when not origin_calendar.is_target then origin_calendar.gmv / nullif(weekday_indices.weekday_index, 0)
        end as adjusted_gmv
    from origin_calendar
    inner join weekday_indices
        on
            origin_calendar.origin_number = weekday_indices.origin_number
            and origin_calendar.weekday_number = weekday_indices.weekday_number

)

select * from final
