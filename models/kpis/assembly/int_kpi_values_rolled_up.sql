{#- The additive and ratio KPIs at every grain: the daily components of the
    int_*_kpis_aggregated models the catalog names (macro kpi_models_union)
    summed (numerators and denominators, never the ratios) to day, ISO week,
    month, quarter and year. The total row of every
    KPI exists for every period of the data's span, zero-filled (a day without
    orders has 0 orders and a NULL AOV); breakdown rows exist where there is
    data. A period is complete when it lies inside the data (from the first
    activity day to the last complete day) and every component row in it is
    complete (its own window is over); an incomplete period keeps its row with
    NULL numerator, denominator and value. Auxiliary series (kpi_id aux_*) are
    rolled up the same way for the derived KPIs. -#}
with

dates as (

    select * from {{ ref('dim_date') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

components as (

    -- the daily components of every int_*_kpis_aggregated model the catalog
    -- names (kpi_definitions.kpi_model), read directly: dbt-bouncer.yml gives
    -- this model the parents the catalog's list needs
    {{ kpi_models_union('daily') }}

),

day_periods as (

    {{ kpi_calendar_periods('dates') }}

),

periods as (

    -- the periods that overlap the data's span; complete when wholly inside it
    select distinct
        day_periods.grain,
        day_periods.period_start,
        day_periods.period_end,
        (
            day_periods.period_start >= coverage.first_activity_date
            and day_periods.period_end <= coverage.last_complete_date
        ) as is_period_complete
    from day_periods
    cross join coverage
    where
        day_periods.period_end >= coverage.first_activity_date
        and day_periods.period_start <= coverage.data_end_date

),

series as (

    -- the catalog's sum and ratio KPIs at their grains, and the component
    -- series that are not KPIs themselves (inputs of derived KPIs) at every grain
    select
        kpi_id,
        grains,
        aggregation = 'ratio' as is_ratio
    from definitions
    where aggregation in ('sum', 'ratio')
    union all
    select
        components.kpi_id,
        'day|week|month|quarter|year' as grains,
        max(case when components.denominator is not null then 1 else 0 end) = 1 as is_ratio
    from components
    left join definitions
        on components.kpi_id = definitions.kpi_id
    where definitions.kpi_id is null
    group by components.kpi_id

),

rolled as (

    select
        components.kpi_id,
        day_periods.grain,
        day_periods.period_start,
        components.dimension,
        components.dimension_value,
        sum(components.numerator) as numerator,
        sum(components.denominator) as denominator,
        min(case when components.is_complete then 1 else 0 end) as all_rows_complete
    from components
    inner join day_periods
        on components.date_day = day_periods.date_day
    group by
        components.kpi_id,
        day_periods.grain,
        day_periods.period_start,
        components.dimension,
        components.dimension_value

),

row_keys as (

    -- the total row of every series, grain and period (data or not), and the
    -- breakdown rows where there is data
    select
        series.kpi_id,
        periods.grain,
        periods.period_start,
        'total' as dimension,
        'total' as dimension_value
    from series
    inner join periods
        on {{ dbt.position(dbt.concat(["'|'", "periods.grain", "'|'"]), dbt.concat(["'|'", "series.grains", "'|'"])) }} > 0
    union all
    select
        kpi_id,
        grain,
        period_start,
        dimension,
        dimension_value
    from rolled
    where dimension <> 'total'

),

checked as (

    select
        row_keys.kpi_id,
        row_keys.grain,
        row_keys.period_start,
        periods.period_end,
        row_keys.dimension,
        row_keys.dimension_value,
        series.is_ratio,
        rolled.numerator,
        rolled.denominator,
        periods.is_period_complete and coalesce(rolled.all_rows_complete, 1) = 1 as is_complete
    from row_keys
    inner join series
        on row_keys.kpi_id = series.kpi_id
            and {{ dbt.position(dbt.concat(["'|'", "row_keys.grain", "'|'"]), dbt.concat(["'|'", "series.grains", "'|'"])) }} > 0
    inner join periods
        on row_keys.grain = periods.grain
            and row_keys.period_start = periods.period_start
    left join rolled
        on row_keys.kpi_id = rolled.kpi_id
            and row_keys.grain = rolled.grain
            and row_keys.period_start = rolled.period_start
            and row_keys.dimension = rolled.dimension
            and row_keys.dimension_value = rolled.dimension_value

),

final as (

    select
        kpi_id,
        grain,
        period_start,
        period_end,
        dimension,
        dimension_value,
        is_complete,
        case when is_complete then coalesce(numerator, 0) end as numerator,
        case when is_complete and is_ratio then coalesce(denominator, 0) end as denominator,
        case
            when not is_complete then null
            when is_ratio then numerator / nullif(denominator, 0)
            else coalesce(numerator, 0)
        end as value
    from checked

)

select * from final
