{% macro kpi_components_final(parts, breakdowns) -%}
{#- The shared tail of the daily KPI component models: the union of parts in
    the component shape (kpi_id, date_day, dimension, dimension_value,
    numerator, denominator, is_complete), keeping each KPI's total and the
    breakdowns it has in `breakdowns` (kpi_catalog_breakdowns; a KPI not in it
    keeps its total only). A part is a CTE name of that shape, or a mapping
    with key relation and optional keys kpis (then relation holds summed
    measures, unpivoted by kpi_unpivot with these KPIs) and where (an extra SQL
    condition on the part's rows). -#}
    {%- for part in parts %}
    {%- set part = part if part is mapping else {'relation': part} %}
    select
        kpi_id,
        cast(date_day as date) as date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    {%- if part.get('kpis') %}
    from (
        {{ kpi_unpivot(part['relation'], part['kpis']) }}
    ) as unpivoted
    {%- else %}
    from {{ part['relation'] }}
    {%- endif %}
    where
        {{ kpi_breakdown_filter(breakdowns) }}
        {%- if part.get('where') %}
        and {{ part['where'] }}
        {%- endif %}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}
{%- endmacro %}
