-- Every breakdown of an additive or ratio KPI partitions its total: for each
-- KPI, grain, period and dimension, the breakdown values' numerators (and
-- denominators) sum to the total row's, so no unit is lost to a breakdown or
-- counted twice. Returns the breaking rows.
with

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

additive as (

    select
        kpi_values.kpi_id,
        kpi_values.grain,
        kpi_values.period_start,
        kpi_values.dimension,
        kpi_values.numerator,
        kpi_values.denominator
    from kpi_values
    inner join definitions
        on kpi_values.kpi_id = definitions.kpi_id
    where
        definitions.aggregation in ('sum', 'ratio')
        and kpi_values.is_complete

),

breakdowns as (

    select
        kpi_id,
        grain,
        period_start,
        dimension,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from additive
    where dimension <> 'total'
    group by
        kpi_id,
        grain,
        period_start,
        dimension

),

totals as (

    select
        kpi_id,
        grain,
        period_start,
        numerator,
        denominator
    from additive
    where dimension = 'total'

)

select
    breakdowns.kpi_id,
    breakdowns.grain,
    breakdowns.period_start,
    breakdowns.dimension,
    breakdowns.numerator as breakdown_numerator,
    totals.numerator as total_numerator,
    breakdowns.denominator as breakdown_denominator,
    totals.denominator as total_denominator
from breakdowns
inner join totals
    on breakdowns.kpi_id = totals.kpi_id
        and breakdowns.grain = totals.grain
        and breakdowns.period_start = totals.period_start
where
    abs(breakdowns.numerator - totals.numerator) > 1e-6 * greatest(1, abs(totals.numerator))
    or abs(coalesce(breakdowns.denominator, 0) - coalesce(totals.denominator, 0))
    > 1e-6 * greatest(1, abs(coalesce(totals.denominator, 0)))
