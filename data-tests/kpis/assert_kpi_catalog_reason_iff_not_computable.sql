{#- A KPI the data cannot support must say why, and a computable one must not
    carry a stale reason. Returns the offending catalog rows. -#}
with

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

final as (

    select
        kpi_id,
        is_computable,
        not_computable_reason
    from catalog
    where (not is_computable and not_computable_reason is null)
        or (is_computable and not_computable_reason is not null)

)

select * from final
