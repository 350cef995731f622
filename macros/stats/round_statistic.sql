{#- A statistic rounded to `digits` decimals (default 6), as a double. Readouts
    show statistics rounded so that they compare equal across engines whose
    floating-point functions differ in the last bits (and in unit tests).
    PostgreSQL has round(x, n) only for numeric, so it goes through numeric. -#}
{% macro round_statistic(x, digits=6) -%}
    {{ return(adapter.dispatch('round_statistic', 'ecommerce_kpi')(x, digits)) }}
{%- endmacro %}

{% macro default__round_statistic(x, digits=6) -%}
    round(cast({{ x }} as {{ kpi_type_double() }}), {{ digits }})
{%- endmacro %}

{% macro postgres__round_statistic(x, digits=6) -%}
    cast(round(cast({{ x }} as numeric), {{ digits }}) as {{ kpi_type_double() }})
{%- endmacro %}
