-- Cross-grain reconciliation of kpi_values: for every additive and ratio KPI
-- (total rows), the day rows of each complete week, month, quarter and year sum
-- to that period's numerator and denominator, and the period's value is its own
-- numerator (additive) or numerator / denominator (ratio), never an average of
-- the days' values. Returns the breaking rows.
with

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

days as (

    select
        kpi_values.kpi_id,
        kpi_values.period_start as date_day,
        kpi_values.numerator,
        kpi_values.denominator
    from kpi_values
    inner join definitions
        on kpi_values.kpi_id = definitions.kpi_id
    where
        kpi_values.grain = 'day'
        and kpi_values.dimension = 'total'
        and definitions.aggregation in ('sum', 'ratio')

),

periods as (

    select
        kpi_values.kpi_id,
        definitions.aggregation,
        kpi_values.grain,
        kpi_values.period_start,
        kpi_values.period_end,
        kpi_values.numerator,
        kpi_values.denominator,
        kpi_values.value
    from kpi_values
    inner join definitions
        on kpi_values.kpi_id = definitions.kpi_id
    where
        kpi_values.grain <> 'day'
        and kpi_values.dimension = 'total'
        and kpi_values.is_complete
        and definitions.aggregation in ('sum', 'ratio')
        and {{ dbt.position("'|day|'", dbt.concat(["'|'", "definitions.grains", "'|'"])) }} > 0

),

summed as (

    select
        periods.kpi_id,
        periods.aggregation,
        periods.grain,
        periods.period_start,
        max(periods.numerator) as period_numerator,
        max(periods.denominator) as period_denominator,
        max(periods.value) as period_value,
        sum(days.numerator) as day_numerator,
        sum(days.denominator) as day_denominator
    from periods
    inner join days
        on periods.kpi_id = days.kpi_id
            and periods.period_start <= days.date_day
            and periods.period_end >= days.date_day
    group by
        periods.kpi_id,
        periods.aggregation,
        periods.grain,
        periods.period_start

)

select *
from summed
where
    abs(period_numerator - day_numerator) > 1e-6 * greatest(1, abs(day_numerator))
    or (
        aggregation = 'ratio'
        and abs(period_denominator - day_denominator) > 1e-6 * greatest(1, abs(day_denominator))
    )
    or (aggregation = 'sum' and abs(period_value - period_numerator) > 1e-9 * greatest(1, abs(period_numerator)))
    or (
        aggregation = 'ratio'
        and period_denominator > 0
        and abs(period_value - period_numerator / period_denominator) > 1e-9
    )
