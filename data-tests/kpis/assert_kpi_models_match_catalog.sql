-- The models the KPI assembly reads (macro kpi_catalog_models, a list dbt
-- sees at parse time) are exactly the ones the catalog names in
-- kpi_definitions.kpi_model: daily component models for sum and ratio KPIs,
-- per-grain models for computed KPIs, int_kpi_values_derived for derived
-- ones. Returns each model named on one side only, with the side.
with

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

listed as (

    {%- for kind in ['daily', 'per_grain'] %}
        {%- for model in kpi_catalog_models(kind) %}
            select
                '{{ model }}' as kpi_model,
                '{{ kind }}' as kind
            union all
        {%- endfor %}
    {%- endfor %}
    select
        'int_kpi_values_derived' as kpi_model,
        'derived' as kind

),

cataloged as (

    select distinct
        kpi_model,
        case aggregation
            when 'computed' then 'per_grain'
            when 'derived' then 'derived'
            else 'daily'
        end as kind
    from definitions

)

select
    coalesce(cataloged.kpi_model, listed.kpi_model) as kpi_model,
    coalesce(cataloged.kind, listed.kind) as kind,
    case
        when listed.kpi_model is null then 'named by the catalog, not in kpi_catalog_models'
        else 'in kpi_catalog_models, not named by the catalog'
    end as reason
from cataloged
full outer join listed
    on cataloged.kpi_model = listed.kpi_model
        and cataloged.kind = listed.kind
where
    cataloged.kpi_model is null
    or listed.kpi_model is null
