{% macro kpi_derived_values(numerators, denominators, second_pass) -%}
{#- The one shape of every derived KPI, as a select for a CTE: each row of
    `numerators` (a derived KPI's numerator series with its denominator_kpi,
    denominator_period_start, denominator_divisor and value_offset) joined to
    its denominator in `denominators` (kpi_id, grain, period_start, value,
    is_complete): value = numerator / (denominator / divisor) - offset,
    complete when both inputs are. `second_pass` picks the KPIs whose
    denominator is itself derived (read from the first pass's rows). -#}
    select
        {{ numerators }}.kpi_id,
        {{ numerators }}.grain,
        {{ numerators }}.period_start,
        {{ numerators }}.period_end,
        'total' as dimension,
        'total' as dimension_value,
        {{ numerators }}.value as numerator,
        denominators.value / {{ numerators }}.denominator_divisor as denominator,
        {{ numerators }}.value / nullif(denominators.value / {{ numerators }}.denominator_divisor, 0)
        - {{ numerators }}.value_offset as value,
        {{ numerators }}.is_complete and coalesce(denominators.is_complete, false) as is_complete
    from {{ numerators }}
    left join {{ denominators }} as denominators
        on {{ numerators }}.denominator_kpi = denominators.kpi_id
            and {{ numerators }}.grain = denominators.grain
            and {{ numerators }}.denominator_period_start = denominators.period_start
    where {{ numerators }}.is_second_pass = {{ 'true' if second_pass else 'false' }}
{%- endmacro %}
