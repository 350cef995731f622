{#- The long form of every KPI for BI tools: one row per KPI, grain, period
    and breakdown, with its numerator and denominator, the value of the same
    grain one period before, its target and achievement. Only the grains the
    catalog gives a KPI are kept. Achievement is actual / target for
    higher-is-better KPIs and target / actual for lower-is-better ones. A KPI
    the loaded data cannot support has is_computable false and NULL values
    (marts.kpi_coverage names the missing inputs). -#}
with

kpi_values_unioned as (

    select * from {{ ref('int_kpi_values_unioned') }}

),

targets as (

    select * from {{ ref('int_kpi_targets_spread') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

cataloged as (

    select
        kpi_values_unioned.kpi_id,
        definitions.layer,
        definitions.unit,
        definitions.direction,
        kpi_values_unioned.grain,
        kpi_values_unioned.period_start,
        kpi_values_unioned.period_end,
        kpi_values_unioned.dimension,
        kpi_values_unioned.dimension_value,
        kpi_values_unioned.value,
        kpi_values_unioned.numerator,
        kpi_values_unioned.denominator,
        kpi_values_unioned.is_computable,
        kpi_values_unioned.is_complete
    from kpi_values_unioned
    inner join definitions
        on kpi_values_unioned.kpi_id = definitions.kpi_id
            and {{ dbt.position(
                dbt.concat(["'|'", "kpi_values_unioned.grain", "'|'"]),
                dbt.concat(["'|'", "definitions.grains", "'|'"])) }} > 0

),

with_previous as (

    -- the same series' row one period before, read with lag() over the series
    -- (kpi, grain, breakdown; at most one row per period) rather than a self-join,
    -- which PostgreSQL plans as a merge join over whole series (quadratic); a gap
    -- in the series, or a NULL breakdown value, gives no previous value
    select
        kpi_id,
        layer,
        unit,
        direction,
        grain,
        period_start,
        period_end,
        dimension,
        dimension_value,
        value,
        numerator,
        denominator,
        case
            when
                dimension is not null
                and dimension_value is not null
                and lag(period_start) over series = cast(
                    case grain
                        when 'day' then {{ dbt.dateadd('day', -1, 'period_start') }}
                        when 'week' then {{ dbt.dateadd('day', -7, 'period_start') }}
                        when 'month' then {{ dbt.dateadd('month', -1, 'period_start') }}
                        when 'quarter' then {{ dbt.dateadd('month', -3, 'period_start') }}
                        else {{ dbt.dateadd('year', -1, 'period_start') }}
                    end as date
                )
                then lag(value) over series
        end as previous_value,
        is_computable,
        is_complete
    from cataloged
    window series as (partition by kpi_id, grain, dimension, dimension_value order by period_start)

),

final as (

    select
        {{ surrogate_key([
            'with_previous.kpi_id', 'with_previous.grain', 'with_previous.period_start',
            'with_previous.dimension', 'with_previous.dimension_value']) }} as kpi_value_id,
        with_previous.kpi_id,
        with_previous.layer,
        with_previous.unit,
        with_previous.direction,
        with_previous.grain,
        with_previous.period_start,
        with_previous.period_end,
        with_previous.dimension,
        with_previous.dimension_value,
        with_previous.value,
        with_previous.numerator,
        with_previous.denominator,
        with_previous.previous_value,
        targets.target,
        targets.target_method,
        case
            when with_previous.direction = 'higher_is_better'
                then with_previous.value / nullif(targets.target, 0)
            else targets.target / nullif(with_previous.value, 0)
        end as achievement,
        with_previous.is_computable,
        with_previous.is_complete
    from with_previous
    left join targets
        on with_previous.kpi_id = targets.kpi_id
            and with_previous.grain = targets.grain
            and with_previous.period_start = targets.period_start
            and with_previous.dimension = targets.dimension
            and with_previous.dimension_value = targets.dimension_value

)

select * from final
