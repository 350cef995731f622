{#- The daily KPI components of the catalog's operations models (support,
    feedback and operations: fulfilment, inventory, payments, headcount) in
    one relation, for the KPI layer's roll-up to every grain (macro
    kpi_models_union; see int_customer_kpi_components_unioned). -#}
with

components as (

    {{ kpi_models_union('daily', areas=['operations']) }}

)

select * from components
