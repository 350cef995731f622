{% macro kpi_breakdown_filter(breakdowns) -%}
{#- A SQL condition on a KPI component row (columns kpi_id, dimension): its
    total, or a breakdown its KPI has in `breakdowns` (kpi_catalog_breakdowns).
    KPIs with the same breakdowns share one term. -#}
    {%- set groups = {} -%}
    {%- for kpi_id, names in breakdowns.items() if names -%}
        {%- set key = names | join("', '") -%}
        {%- do groups.update({key: groups.get(key, []) + [kpi_id]}) -%}
    {%- endfor -%}
    (
        dimension = 'total'
        {%- for names, kpi_ids in groups.items() %}
        or (kpi_id in ('{{ kpi_ids | join("', '") }}') and dimension in ('{{ names }}'))
        {%- endfor %}
    )
{%- endmacro %}
