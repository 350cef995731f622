{#- Spells the grains of kpi_grain_start_columns rather than calling it: the
    linter's stand-in for dbt's return() only works one macro deep. -#}
{% macro kpi_grains_select() -%}
{#- One row per KPI grain (column `grain`), as a select for a CTE. -#}
    {%- for grain in ['day', 'week', 'month', 'quarter', 'year'] %}
    select '{{ grain }}' as grain
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
