{#- The additive and ratio KPIs at every grain: the daily components of the
    int_*_kpis_aggregated models summed (numerators and denominators, never the
    ratios) to day, ISO week, month, quarter and year. The total row of every
    KPI exists for every period of the data's span, zero-filled (a day without
    orders has 0 orders and a NULL AOV); breakdown rows exist where there is
    data. A period is complete when it lies inside the data (from the first
    activity day to the last complete day) and every component row in it is
    complete (its own window is over); an incomplete period keeps its row with
    NULL numerator, denominator and value. Auxiliary series (kpi_id aux_*) are
    rolled up the same way for the derived KPIs. -#}
with

customer_components as (

    select * from {{ ref('int_customer_kpi_components_unioned') }}

),

operations_components as (

    select * from {{ ref('int_operations_kpi_components_unioned') }}

),

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

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from customer_components
    union all
    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from operations_components

),

grains as (

    {{ kpi_grains_select() }}

),

day_periods as (

    -- every calendar day with the start of the period it falls in, per grain
    select
        dates.date_day,
        grains.grain,
        {{ kpi_period_start('grains.grain', 'dates') }} as period_start
    from dates
    cross join grains

),

period_starts as (

    select distinct
        grain,
        period_start
    from day_periods

),

period_bounds as (

    select
        grain,
        period_start,
        {{ kpi_period_end('grain', 'period_start') }} as period_end
    from period_starts

),

periods as (

    -- the periods that overlap the data's span; complete when wholly inside it
    select
        period_bounds.grain,
        period_bounds.period_start,
        period_bounds.period_end,
        (
            period_bounds.period_start >= coverage.first_activity_date
            and period_bounds.period_end <= coverage.last_complete_date
        ) as is_period_complete
    from period_bounds
    cross join coverage
    where
        period_bounds.period_end >= coverage.first_activity_date
        and period_bounds.period_start <= coverage.data_end_date

),

catalog_series as (

    select
        kpi_id,
        grains,
        aggregation = 'ratio' as is_ratio
    from definitions
    where aggregation in ('sum', 'ratio')

),

auxiliary_series as (

    -- component series that are not KPIs themselves (inputs of derived KPIs)
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

series as (

    select
        kpi_id,
        is_ratio,
        grains
    from catalog_series
    union all
    select
        kpi_id,
        is_ratio,
        grains
    from auxiliary_series

),

series_grains as (

    select
        series.kpi_id,
        series.is_ratio,
        grains.grain
    from series
    inner join grains
        on {{ dbt.position(dbt.concat(["'|'", "grains.grain", "'|'"]), dbt.concat(["'|'", "series.grains", "'|'"])) }} > 0

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

total_rows as (

    -- the whole spine: every series, grain and period, data or not
    select
        series_grains.kpi_id,
        series_grains.is_ratio,
        periods.grain,
        periods.period_start,
        periods.period_end,
        periods.is_period_complete,
        'total' as dimension,
        'total' as dimension_value,
        rolled.numerator,
        rolled.denominator,
        rolled.all_rows_complete
    from series_grains
    inner join periods
        on series_grains.grain = periods.grain
    left join rolled
        on series_grains.kpi_id = rolled.kpi_id
            and periods.grain = rolled.grain
            and periods.period_start = rolled.period_start
            and rolled.dimension = 'total'

),

breakdown_rows as (

    select
        series_grains.kpi_id,
        series_grains.is_ratio,
        periods.grain,
        periods.period_start,
        periods.period_end,
        periods.is_period_complete,
        rolled.dimension,
        rolled.dimension_value,
        rolled.numerator,
        rolled.denominator,
        rolled.all_rows_complete
    from rolled
    inner join series_grains
        on rolled.kpi_id = series_grains.kpi_id
            and rolled.grain = series_grains.grain
    inner join periods
        on rolled.grain = periods.grain
            and rolled.period_start = periods.period_start
    where rolled.dimension <> 'total'

),

all_rows as (

    select
        kpi_id,
        is_ratio,
        grain,
        period_start,
        period_end,
        is_period_complete,
        dimension,
        dimension_value,
        numerator,
        denominator,
        all_rows_complete
    from total_rows
    union all
    select
        kpi_id,
        is_ratio,
        grain,
        period_start,
        period_end,
        is_period_complete,
        dimension,
        dimension_value,
        numerator,
        denominator,
        all_rows_complete
    from breakdown_rows

),

completeness as (

    select
        kpi_id,
        is_ratio,
        grain,
        period_start,
        period_end,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_period_complete and coalesce(all_rows_complete, 1) = 1 as is_complete
    from all_rows

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
    from completeness

)

select * from final
