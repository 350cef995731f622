{% macro kpi_models_union(kind) -%}
{#- The union of the KPI models of one kind that the catalog names
    (kpi_catalog_models): 'daily' rows (kpi_id, date_day, dimension,
    dimension_value, numerator, denominator, is_complete) or 'per_grain' rows
    (kpi_id, grain, period_start, period_end, dimension, dimension_value,
    numerator, denominator, value, is_complete), as a select for a CTE. -#}
    {%- for model in kpi_catalog_models(kind) %}
    select
        kpi_id,
        {%- if kind == 'daily' %}
        date_day,
        {%- else %}
        grain,
        period_start,
        {{ kpi_period_end('grain', 'period_start') }} as period_end,
        {%- endif %}
        dimension,
        dimension_value,
        numerator,
        denominator,
        {%- if kind != 'daily' %}
        value,
        {%- endif %}
        is_complete
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
