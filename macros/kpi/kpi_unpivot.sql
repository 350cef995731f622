{% macro kpi_unpivot(relation, kpis) -%}
{#- Turns a wide CTE of summed measures (date_day, dimension, dimension_value,
    <measures>) into the long KPI component shape: one row per kpi_id, day and
    breakdown with numerator, denominator (NULL for additive KPIs) and
    is_complete. `kpis` is a list of mappings with keys kpi_id, numerator (SQL
    expression), denominator (SQL expression, optional) and is_complete (SQL
    boolean expression, optional, default true). -#}
    {%- for kpi in kpis %}
    select
        '{{ kpi["kpi_id"] }}' as kpi_id,
        date_day,
        dimension,
        dimension_value,
        cast({{ kpi["numerator"] }} as {{ kpi_type_double() }}) as numerator,
        cast({{ kpi.get("denominator") or "null" }} as {{ kpi_type_double() }}) as denominator,
        {{ kpi.get("is_complete") or "true" }} as is_complete
    from {{ relation }}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}
{%- endmacro %}
