{#- The daily KPI components of orders, customers, cohorts, sessions, retention
    and marketing in one relation, for the KPI layer's roll-up to every grain. -#}
with

order_components as (

    select * from {{ ref('int_order_kpis_aggregated') }}

),

customer_components as (

    select * from {{ ref('int_customer_kpis_aggregated') }}

),

cohort_components as (

    select * from {{ ref('int_cohort_kpis_aggregated') }}

),

session_components as (

    select * from {{ ref('int_session_kpis_aggregated') }}

),

retention_components as (

    select * from {{ ref('int_retention_kpis_aggregated') }}

),

marketing_components as (

    select * from {{ ref('int_marketing_kpis_aggregated') }}

),

final as (

    {%- for relation in ['order_components', 'customer_components', 'cohort_components',
                         'session_components', 'retention_components', 'marketing_components'] %}
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
