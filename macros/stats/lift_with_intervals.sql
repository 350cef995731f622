{#- The six readout columns of a metric's lift against control, rounded
    (round_statistic): `<metric>_lift` with its 95% interval
    (`_ci_lower`, `_ci_upper`: lift -/+ z x `se`), and `<metric>_relative_lift`
    with its 95% interval taken on the log of the ratio (delta method:
    exp(ln(relative lift + 1) -/+ z x `log_ratio_se`) - 1). Reads the columns
    `<metric>_lift` and `<metric>_relative_lift`. -#}
{% macro lift_with_intervals(metric, se, log_ratio_se, z=1.959963984540054) -%}
    {%- set lift = metric ~ '_lift' -%}
    {%- set relative = metric ~ '_relative_lift' -%}
    {%- set log_ratio = 'ln(nullif(' ~ relative ~ ' + 1, 0))' -%}
    {{ round_statistic(lift) }} as {{ lift }},
        {{ round_statistic(lift ~ ' - ' ~ z ~ ' * ' ~ se) }} as {{ lift }}_ci_lower,
        {{ round_statistic(lift ~ ' + ' ~ z ~ ' * ' ~ se) }} as {{ lift }}_ci_upper,
        {{ round_statistic(relative) }} as {{ relative }},
        {{ round_statistic('exp(' ~ log_ratio ~ ' - ' ~ z ~ ' * ' ~ log_ratio_se ~ ') - 1') }} as {{ relative }}_ci_lower,
        {{ round_statistic('exp(' ~ log_ratio ~ ' + ' ~ z ~ ' * ' ~ log_ratio_se ~ ') - 1') }} as {{ relative }}_ci_upper
{%- endmacro %}
