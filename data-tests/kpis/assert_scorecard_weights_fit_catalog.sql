{#- Scorecards are monthly: every weighted KPI must be a computable catalog KPI
    reported at month grain, or its points would always be missing. Returns
    the offending weight rows. -#}
with

weights as (

    select * from {{ ref('scorecard_weights') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

final as (

    select
        weights.role,
        weights.kpi_id,
        weights.season
    from weights
    left join catalog
        on weights.kpi_id = catalog.kpi_id
    where catalog.kpi_id is null
        or not catalog.is_computable
        or {{ dbt.concat(["'|'", 'catalog.grains', "'|'"]) }} not like '%|month|%'

)

select * from final
