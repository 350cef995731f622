-- The daily components of the catalog's models (macro kpi_models_union) have
-- one row per KPI component, day and breakdown, with every key and is_complete
-- set: no two models emit the same kpi_id. Returns the breaking keys.
with

components as (

    {{ kpi_models_union('daily') }}

),

keys as (

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        count(*) as row_count,
        sum(case when is_complete is null then 1 else 0 end) as rows_without_is_complete
    from components
    group by
        kpi_id,
        date_day,
        dimension,
        dimension_value

)

select
    kpi_id,
    date_day,
    dimension,
    dimension_value,
    row_count,
    rows_without_is_complete
from keys
where
    row_count > 1
    or rows_without_is_complete > 0
    or kpi_id is null
    or date_day is null
    or dimension is null
    or dimension_value is null
