{% macro kpi_layer_pivot(relation, grain, kpi_ids) -%}
{#- One row per period of `grain`, one column per KPI: the total ('total'
    breakdown) values of the long KPI table pivoted wide. Every period that
    kpi_values holds appears (its zero-filled spine), with NULL for a KPI
    without a value. -#}
    select
        period_start,
        max(period_end) as period_end,
        {%- for kpi_id in kpi_ids %}
        max(case when kpi_id = '{{ kpi_id }}' then value end) as {{ kpi_id }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    where
        grain = '{{ grain }}'
        and dimension = 'total'
    group by period_start
{%- endmacro %}
