-- The catalog stays honest about kpi_values, given the data that is there:
-- a KPI the loaded data supports (kpi_coverage) has rows, and if it has complete periods
-- has a numerator or (percentiles) a value somewhere (a ratio's value may
-- still be NULL on a zero denominator);
-- a KPI the data does not support has no value anywhere; and the breakdowns a
-- KPI has in kpi_values are exactly the ones its catalog row lists (for a
-- supported KPI with complete periods). Returns one row per mismatch with its
-- reason.
with

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

kpi_coverage as (

    select * from {{ ref('kpi_coverage') }}

),

kpi_breakdowns as (

    select
        kpi_id,
        dimension,
        max(case when value is not null then 1 else 0 end) as has_value,
        max(case when numerator is not null then 1 else 0 end) as has_numerator,
        max(case when is_complete then 1 else 0 end) as has_complete_period
    from kpi_values
    group by
        kpi_id,
        dimension

),

kpi_summary as (

    select
        kpi_id,
        max(has_value) as has_value,
        max(has_numerator) as has_numerator,
        max(has_complete_period) as has_complete_period
    from kpi_breakdowns
    group by kpi_id

),

missing_values as (

    select
        kpi_coverage.kpi_id,
        cast(null as {{ dbt.type_string() }}) as dimension,
        case
            when kpi_coverage.is_computable and kpi_summary.kpi_id is null
                then 'supported KPI without rows in kpi_values'
            when
                kpi_coverage.is_computable
                and coalesce(kpi_summary.has_complete_period, 0) = 1
                and kpi_summary.has_numerator = 0
                and kpi_summary.has_value = 0
                then 'supported KPI with complete periods but no numerator or value'
            when not kpi_coverage.is_computable and coalesce(kpi_summary.has_value, 0) = 1
                then 'KPI the data does not support has values'
        end as reason
    from kpi_coverage
    left join kpi_summary
        on kpi_coverage.kpi_id = kpi_summary.kpi_id

),

positions as (

    select generated_number as position
    from ({{ dbt.generate_series(20) }}) as numbers

),

unlisted_breakdowns as (

    select
        kpi_breakdowns.kpi_id,
        kpi_breakdowns.dimension,
        'breakdown not listed in the catalog' as reason
    from kpi_breakdowns
    inner join definitions
        on kpi_breakdowns.kpi_id = definitions.kpi_id
    where {{ dbt.position(
        dbt.concat(["'|'", "kpi_breakdowns.dimension", "'|'"]),
        dbt.concat(["'|'", "definitions.breakdowns", "'|'"])) }} = 0

),

listed_breakdowns as (

    -- the catalog's breakdowns of each supported KPI with complete periods,
    -- one row each (up to 20 per KPI)
    select
        definitions.kpi_id,
        {{ split_part_at('definitions.breakdowns', "'|'", 'positions.position') }} as dimension
    from definitions
    inner join kpi_coverage
        on definitions.kpi_id = kpi_coverage.kpi_id
    inner join kpi_summary
        on definitions.kpi_id = kpi_summary.kpi_id
    cross join positions
    where
        kpi_coverage.is_computable
        and kpi_summary.has_complete_period = 1
        and positions.position
        <= {{ dbt.length('definitions.breakdowns') }}
        - {{ dbt.length(dbt.replace('definitions.breakdowns', "'|'", "''")) }} + 1

),

absent_breakdowns as (

    select
        listed_breakdowns.kpi_id,
        listed_breakdowns.dimension,
        'catalog breakdown without rows in kpi_values' as reason
    from listed_breakdowns
    left join kpi_breakdowns
        on listed_breakdowns.kpi_id = kpi_breakdowns.kpi_id
            and listed_breakdowns.dimension = kpi_breakdowns.dimension
    where kpi_breakdowns.kpi_id is null

)

select
    kpi_id,
    dimension,
    reason
from missing_values
where reason is not null
union all
select
    kpi_id,
    dimension,
    reason
from unlisted_breakdowns
union all
select
    kpi_id,
    dimension,
    reason
from absent_breakdowns
