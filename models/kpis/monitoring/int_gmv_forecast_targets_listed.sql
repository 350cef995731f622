{#- The days each GMV forecast origin forecasts (docs: gmv_forecast_method).
    Origins: the last complete day (the live forecast) and, for the backtest,
    the var forecast_backtest_weeks days 7, 14, ... days before it; an origin
    needs a full level window (var forecast_level_days) of complete days
    behind it. Live rows run to the end of the month of the horizon's last
    day, so that the month's expected total can be summed; backtest rows stop
    at the horizon (var forecast_horizon_days) and at the last complete day. -#}
{%- set horizon_days = setting_value('forecast_horizon_days') -%}
{%- set backtest_weeks = setting_value('forecast_backtest_weeks') -%}
{%- set level_days = setting_value('forecast_level_days') -%}
with

kpi_values_unioned as (

    select * from {{ ref('int_kpi_values_unioned') }}

),

data_span as (

    select
        min(period_start) as first_complete_date,
        max(period_start) as last_complete_date
    from kpi_values_unioned
    where
        kpi_id = 'gmv'
        and grain = 'day'
        and dimension = 'total'
        and is_complete
        and value is not null

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

final as (

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

)

select * from final
