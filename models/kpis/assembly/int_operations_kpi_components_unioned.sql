{#- The daily KPI components of support, feedback and operations (fulfilment,
    inventory, payments, headcount) in one relation, for the KPI layer's
    roll-up to every grain. -#}
with

support_components as (

    select * from {{ ref('int_support_kpis_aggregated') }}

),

feedback_components as (

    select * from {{ ref('int_feedback_kpis_aggregated') }}

),

operations_components as (

    select * from {{ ref('int_operations_kpis_aggregated') }}

),

final as (

    {%- for relation in ['support_components', 'feedback_components', 'operations_components'] %}
        select
            kpi_id,
            date_day,
            dimension,
            dimension_value,
            numerator,
            denominator,
            is_complete
        from {{ relation }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select * from final
