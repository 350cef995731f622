{#- The daily KPI components of the catalog's commerce and web models (orders,
    customers, cohorts, sessions, retention, marketing) in one relation, for
    the KPI layer's roll-up to every grain. The models are the ones the
    catalog names (macro kpi_models_union); the components are split over two
    relations only so that no model reads more than six others. -#}
with

components as (

    {{ kpi_models_union('daily', areas=['commerce', 'web']) }}

)

select * from components
