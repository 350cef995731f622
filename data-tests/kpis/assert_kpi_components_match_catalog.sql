-- The component models speak the catalog's language: every component kpi_id is
-- a catalog KPI or an auxiliary series named aux_*, an additive ('sum') KPI
-- never carries a denominator and a ratio KPI always does. Returns the
-- breaking (kpi_id, reason) pairs.
with

components as (

    -- the daily components of every model the catalog names (kpi_model)
    {{ kpi_models_union('daily') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

summary as (

    select
        components.kpi_id,
        definitions.aggregation,
        definitions.kpi_id is not null as is_cataloged,
        sum(case when components.denominator is null then 1 else 0 end) as rows_without_denominator,
        sum(case when components.denominator is not null then 1 else 0 end) as rows_with_denominator
    from components
    left join definitions
        on components.kpi_id = definitions.kpi_id
    group by
        components.kpi_id,
        definitions.aggregation,
        definitions.kpi_id

)

select
    kpi_id,
    case
        when not is_cataloged and kpi_id not like 'aux!_%' escape '!' then 'not in the catalog and not aux_*'
        when aggregation = 'sum' and rows_with_denominator > 0 then 'additive KPI with a denominator'
        when aggregation = 'ratio' and rows_without_denominator > 0 then 'ratio KPI without a denominator'
        when is_cataloged and aggregation not in ('sum', 'ratio') then 'catalog says ' || aggregation
    end as reason
from summary
where
    (not is_cataloged and kpi_id not like 'aux!_%' escape '!')
    or (aggregation = 'sum' and rows_with_denominator > 0)
    or (aggregation = 'ratio' and rows_without_denominator > 0)
    or (is_cataloged and aggregation not in ('sum', 'ratio'))
