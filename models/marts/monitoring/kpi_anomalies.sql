{#- Daily KPI anomalies (docs: kpi_anomalies_method). For every complete daily
    total value of an additive (sum) or ratio KPI, the expected value is the
    median of the same KPI on the same weekday over the var
    anomaly_window_days days before it (d - 7, d - 14, ... : 8 values by
    default), so a Saturday is compared with Saturdays only and the weekly
    rhythm raises no flags. Spread: the median absolute deviation (MAD) of
    every value of the window from its own weekday's median (pooled over
    the weekdays: 56 deviations, not 8), scaled to a standard deviation
    (MAD / 0.6745); when the MAD is 0 (more than half the values tie), the
    mean absolute deviation x 1.2533 instead. Score = (value - median) / spread, a robust z-score;
    anomaly when |score| > var anomaly_threshold (3.5). Expected range =
    median -+ threshold x spread. Days with fewer than var
    anomaly_min_history same-weekday values, or no spread at all, are not
    scored. -#}
{%- set window_days = setting_value('anomaly_window_days') -%}
{%- set threshold = setting('anomaly_threshold') -%}
{%- set min_history = setting('anomaly_min_history') -%}
with

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

daily_values as (

    select
        kpi_values.kpi_id,
        kpi_values.period_start as anomaly_date,
        cast(kpi_values.value as {{ kpi_type_double() }}) as value
    from kpi_values
    inner join catalog
        on kpi_values.kpi_id = catalog.kpi_id
    where
        kpi_values.grain = 'day'
        and kpi_values.dimension = 'total'
        and kpi_values.is_complete
        and kpi_values.value is not null
        and catalog.aggregation in ('sum', 'ratio')

),

-- each day with every value of its trailing window, and how many days
-- apart they are modulo 7 (0 = the same weekday)
history as (

    select
        daily_values.kpi_id,
        daily_values.anomaly_date,
        {{ dbt.datediff('earlier.anomaly_date', 'daily_values.anomaly_date', 'day') }} % 7 as weekday_lag,
        earlier.value as history_value
    from daily_values
    inner join daily_values as earlier
        on
            daily_values.kpi_id = earlier.kpi_id
            and daily_values.anomaly_date > earlier.anomaly_date
            and earlier.anomaly_date >= {{ dbt.dateadd('day', -window_days, 'daily_values.anomaly_date') }}

),

-- the median of each weekday of the window; weekday_lag 0 is the day's own
weekday_medians as (

    select
        kpi_id,
        anomaly_date,
        weekday_lag,
        count(*) as history_values,
        {{ kpi_percentile('history_value', 0.5) }} as median_value
    from history
    group by kpi_id, anomaly_date, weekday_lag

),

deviations as (

    select
        history.kpi_id,
        history.anomaly_date,
        abs(history.history_value - weekday_medians.median_value) as absolute_deviation
    from history
    inner join weekday_medians
        on
            history.kpi_id = weekday_medians.kpi_id
            and history.anomaly_date = weekday_medians.anomaly_date
            and history.weekday_lag = weekday_medians.weekday_lag

),

-- one spread for the window, pooled over its weekdays (each value against its
-- own weekday's median): 56 deviations instead of 8 keep the scale stable
spreads as (

    select
        kpi_id,
        anomaly_date,
        {{ kpi_percentile('absolute_deviation', 0.5) }} as median_absolute_deviation,
        avg(absolute_deviation) as mean_absolute_deviation
    from deviations
    group by kpi_id, anomaly_date

),

medians as (

    select
        kpi_id,
        anomaly_date,
        history_values,
        median_value
    from weekday_medians
    where weekday_lag = 0

),

scaled as (

    select
        daily_values.kpi_id,
        daily_values.anomaly_date,
        daily_values.value,
        coalesce(medians.history_values, 0) as history_values,
        medians.median_value,
        spreads.median_absolute_deviation,
        case
            when coalesce(medians.history_values, 0) < {{ min_history }} then null
            when spreads.median_absolute_deviation > 0 then spreads.median_absolute_deviation / 0.6745
            when spreads.mean_absolute_deviation > 0 then spreads.mean_absolute_deviation * 1.2533
        end as robust_sd
    from daily_values
    left join medians
        on
            daily_values.kpi_id = medians.kpi_id
            and daily_values.anomaly_date = medians.anomaly_date
    left join spreads
        on
            daily_values.kpi_id = spreads.kpi_id
            and daily_values.anomaly_date = spreads.anomaly_date

),

scored as (

    select
        kpi_id,
        anomaly_date,
        value,
        history_values,
        case when robust_sd is not null then median_value end as expected_value,
        median_absolute_deviation,
        robust_sd,
        median_value - {{ threshold }} * robust_sd as lower_bound,
        median_value + {{ threshold }} * robust_sd as upper_bound,
        (value - median_value) / robust_sd as anomaly_score
    from scaled

),

final as (

    select
        {{ surrogate_key(['kpi_id', 'anomaly_date']) }} as kpi_anomaly_id,
        kpi_id,
        anomaly_date,
        value,
        expected_value,
        lower_bound,
        upper_bound,
        anomaly_score,
        coalesce(abs(anomaly_score) > {{ threshold }}, false) as is_anomaly,
        case
            when anomaly_score > {{ threshold }} then 'above'
            when anomaly_score < -{{ threshold }} then 'below'
        end as anomaly_direction,
        history_values,
        median_absolute_deviation,
        robust_sd
    from scored

)

select * from final
