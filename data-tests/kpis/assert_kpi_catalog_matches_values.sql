-- The catalog stays honest about kpi_values: every computable KPI has at least
-- one value, a KPI marked not computable has no rows, and the breakdowns a KPI
-- has in kpi_values are exactly the ones its catalog row lists. Returns one row
-- per mismatch with its reason.
with

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

kpi_breakdowns as (

    select
        kpi_id,
        dimension,
        max(case when value is not null then 1 else 0 end) as has_value
    from kpi_values
    group by
        kpi_id,
        dimension

),

kpi_summary as (

    select
        kpi_id,
        max(has_value) as has_value
    from kpi_breakdowns
    group by kpi_id

),

missing_values as (

    select
        definitions.kpi_id,
        cast(null as {{ dbt.type_string() }}) as dimension,
        case
            when definitions.is_computable and coalesce(kpi_summary.has_value, 0) = 0
                then 'computable KPI without a value'
            when not definitions.is_computable and kpi_summary.kpi_id is not null
                then 'KPI marked not computable has rows'
        end as reason
    from definitions
    left join kpi_summary
        on definitions.kpi_id = kpi_summary.kpi_id

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

    -- the catalog's breakdowns of each KPI, one row each (up to 20 per KPI)
    select
        definitions.kpi_id,
        {{ split_part_at('definitions.breakdowns', "'|'", 'positions.position') }} as dimension
    from definitions
    cross join positions
    where
        definitions.is_computable
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
