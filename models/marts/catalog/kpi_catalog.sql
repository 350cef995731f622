{#- The KPI catalog as BI tools and the docs read it: the user-edited seed
    kpi_definitions, one row per KPI id, with blank reasons made NULL so that
    "has a reason" is a plain NULL check. Grains, breakdowns and source models
    stay '|'-separated strings (one KPI, one row). -#}
with

kpi_definitions as (

    select * from {{ ref('kpi_definitions') }}

),

final as (

    select
        -- identity
        kpi_id,
        kpi_name,
        layer,
        owner_team,

        -- meaning
        definition,
        formula,
        unit,
        direction,
        aggregation,

        -- where it is reported
        grains,
        breakdowns,
        source_models,

        -- whether the warehouse computes it (marts.kpi_coverage: whether this data carries it)
        is_computable,
        nullif(trim(not_computable_reason), '') as not_computable_reason,

        -- the history before a period it needs (warm-up)
        nullif(trim(history_warm_up), '') as history_warm_up
    from kpi_definitions

)

select * from final
