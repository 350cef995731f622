{% macro kpi_catalog_models(kind) -%}
{#- The KPI models the catalog names (seeds/kpi_definitions.csv, column
    kpi_model), as a list known at parse time so that ref() can see them:
    kind 'daily' gives the int_*_kpis_aggregated models (the sum and ratio
    KPIs' daily components), 'per_grain' the int_*_kpis_computed models (the
    computed KPIs, one value per period). tests/test_kpi_catalog.py and the
    data test assert_kpi_models_match_catalog check that this list is the
    catalog's. -#}
    {%- set models = [
        ('int_order_kpis_aggregated', 'daily'),
        ('int_customer_kpis_aggregated', 'daily'),
        ('int_cohort_kpis_aggregated', 'daily'),
        ('int_session_kpis_aggregated', 'daily'),
        ('int_retention_kpis_aggregated', 'daily'),
        ('int_marketing_kpis_aggregated', 'daily'),
        ('int_support_kpis_aggregated', 'daily'),
        ('int_feedback_kpis_aggregated', 'daily'),
        ('int_operations_kpis_aggregated', 'daily'),
        ('int_customer_kpis_computed', 'per_grain'),
        ('int_user_activity_kpis_computed', 'per_grain'),
        ('int_page_load_kpis_computed', 'per_grain'),
        ('int_support_kpis_computed', 'per_grain'),
    ] -%}
    {%- set selected = [] -%}
    {%- for name, model_kind in models -%}
        {%- if model_kind == kind -%}
            {%- do selected.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(selected) }}
{%- endmacro %}
