{#- The standard normal cumulative distribution function Phi(x) of a SQL
    expression, in plain arithmetic (exp, sqrt, abs) that every engine has:
    Phi(x) = (1 + erf(x / sqrt(2))) / 2, with erf from Abramowitz & Stegun
    7.1.26 (|error| < 1.5e-7 for erf, so < 7.5e-8 for Phi). erf is odd, so the
    formula is evaluated at |x| and mirrored for x < 0. NULL in, NULL out.
    Dispatched so an engine with a native erf or normal CDF can use it. -#}
{% macro normal_cdf(x) -%}
    {{ return(adapter.dispatch('normal_cdf', 'ecommerce_kpi')(x)) }}
{%- endmacro %}

{% macro default__normal_cdf(x) -%}
    {%- set z -%}(abs(cast({{ x }} as {{ kpi_type_double() }})) / sqrt(2.0)){%- endset -%}
    {%- set t -%}(1.0 / (1.0 + 0.3275911 * {{ z }})){%- endset -%}
    (0.5 + 0.5 * sign(cast({{ x }} as {{ kpi_type_double() }})) * (1.0 - (
        {{ t }} * (0.254829592 + {{ t }} * (-0.284496736 + {{ t }} * (1.421413741
        + {{ t }} * (-1.453152027 + {{ t }} * 1.061405429))))
    ) * exp(-{{ z }} * {{ z }})))
{%- endmacro %}
