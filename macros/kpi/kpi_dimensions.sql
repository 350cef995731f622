{% macro kpi_dimensions(breakdowns, supplied, kpi_ids=none) -%}
{#- The dimensions of `supplied` (the breakdown columns a model's units carry,
    in that order) that at least one KPI of `breakdowns` (kpi_catalog_breakdowns;
    only those of `kpi_ids` when given) is broken down by: what
    kpi_aggregate_by_dimensions has to compute. -#}
    {%- set listed = [] -%}
    {%- for kpi_id, names in breakdowns.items() if kpi_ids is none or kpi_id in kpi_ids -%}
        {%- do listed.extend(names) -%}
    {%- endfor -%}
    {{ return(supplied | select('in', listed) | list) }}
{%- endmacro %}
