{#- The upper-tail p-value P(X >= x) of a chi-square statistic x with df
    degrees of freedom. df = 1 is exact through the normal: X = Z^2, so
    p = 2 (1 - Phi(sqrt(x))). df > 1 uses the Wilson-Hilferty cube-root normal
    approximation ((x / df)^(1/3) - (1 - 2 / (9 df))) / sqrt(2 / (9 df)) ~ N(0, 1)
    (absolute error below 0.01 from df = 2 on, smaller in the tail). df may be a
    number or a SQL expression; NULL x gives NULL. -#}
{% macro chi_square_p_value(x, df) -%}
    {%- set stat -%}cast({{ x }} as {{ kpi_type_double() }}){%- endset -%}
    {%- set k -%}cast({{ df }} as {{ kpi_type_double() }}){%- endset -%}
    case
        when {{ stat }} is null or {{ k }} is null or {{ k }} < 1 then null
        when {{ stat }} <= 0 then 1.0
        when {{ k }} = 1 then 2.0 * (1.0 - {{ normal_cdf('sqrt(' ~ stat ~ ')') }})
        else 1.0 - {{ normal_cdf(
            '(power(' ~ stat ~ ' / ' ~ k ~ ', 1.0 / 3.0) - (1.0 - 2.0 / (9.0 * ' ~ k ~ ')))'
            ~ ' / sqrt(2.0 / (9.0 * ' ~ k ~ '))'
        ) }}
    end
{%- endmacro %}
