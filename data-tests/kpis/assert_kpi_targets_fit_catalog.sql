{#- Every target names a computable catalog KPI at a grain the KPI is reported
    at and, when it has a dimension, one of the KPI's breakdowns (a target for
    a cut that kpi_values never shows would silently never be read). Returns
    the offending target rows with what is wrong. -#}
with

targets as (

    select * from {{ ref('kpi_targets') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

checked as (

    select
        targets.kpi_id,
        targets.grain,
        targets.period_start,
        targets.dimension,
        targets.dimension_value,
        catalog.kpi_id is not null as is_in_catalog,
        coalesce(catalog.is_computable, false) as is_computable,
        {{ dbt.concat(["'|'", 'catalog.grains', "'|'"]) }}
        like {{ dbt.concat(["'%|'", 'targets.grain', "'|%'"]) }} as is_grain_reported,
        (
            targets.dimension is null
            or {{ dbt.concat(["'|'", 'catalog.breakdowns', "'|'"]) }}
            like {{ dbt.concat(["'%|'", 'targets.dimension', "'|%'"]) }}
        ) as is_dimension_reported
    from targets
    left join catalog
        on targets.kpi_id = catalog.kpi_id

),

final as (

    select
        kpi_id,
        grain,
        period_start,
        dimension,
        dimension_value,
        is_in_catalog,
        is_computable,
        is_grain_reported,
        is_dimension_reported
    from checked
    where not (is_in_catalog and is_computable and is_grain_reported and is_dimension_reported)

)

select * from final
