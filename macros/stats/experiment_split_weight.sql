{#- The weight of a variant in its experiment's expected split: the weight that
    setting experiment_variant_weights ({experiment: {variant: weight}}) gives
    it, else 1 (an equal split), as a double. The split's shares are the weights
    normalised over the experiment's variants. -#}
{% macro experiment_split_weight(experiment_column, variant_column) -%}
    {%- set weights = setting_value('experiment_variant_weights') -%}
    {%- set double = kpi_type_double() -%}
    {%- if weights -%}
        case
            {%- for experiment_id, variant_weights in weights.items() %}
                {%- for variant_name, weight in variant_weights.items() %}
            when {{ experiment_column }} = {{ sql_literal(experiment_id) }}
                and {{ variant_column }} = {{ sql_literal(variant_name) }}
                then cast({{ sql_literal(weight) }} as {{ double }})
                {%- endfor %}
            {%- endfor %}
            else cast(1 as {{ double }})
        end
    {%- else -%}
        cast(1 as {{ double }})
    {%- endif %}
{%- endmacro %}
