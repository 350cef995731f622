{#- Every KPI value at every grain, before targets: the rolled-up additive and
    ratio KPIs, the derived ones and the per-grain (non-additive) ones, in one
    shape; an incomplete period keeps its row with NULL numbers. -#}
with

rolled_up as (

    select * from {{ ref('int_kpi_values_rolled_up') }}

),

derived as (

    select * from {{ ref('int_kpi_values_derived') }}

),

computed as (

    select * from {{ ref('int_kpi_computed_values_unioned') }}

),

final as (

    {%- for relation in ['rolled_up', 'derived', 'computed'] %}
        select
            kpi_id,
            grain,
            period_start,
            period_end,
            dimension,
            dimension_value,
            case when is_complete then numerator end as numerator,
            case when is_complete then denominator end as denominator,
            case when is_complete then value end as value,
            is_complete
        from {{ relation }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select * from final
