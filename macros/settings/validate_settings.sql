{#- The settings check: every setting of settings_spec is checked against its
    rule (setting_value), a var given with --vars that no rule knows (a typo)
    is refused, and the currencies of the data must reach the reporting
    currency through the exchange rates (validate_currencies_reachable), and an
    incremental run keeps the settings the warehouse was built with
    (validate_build_settings). The
    first on-run-start hook, so every dbt build / run / test / seed checks
    before it builds anything; also `dbt run-operation validate_settings`. Does
    nothing while dbt parses (not execute). -#}
{% macro validate_settings() -%}
    {%- if execute -%}
        {%- set spec = settings_spec() -%}
        {%- set given = invocation_args_dict.get('vars') or {} -%}
        {%- if given is string -%}
            {%- set given = fromyaml(given) or {} -%}
        {%- endif -%}
        {%- set unknown = given.keys() | reject('in', spec) | list -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error(
                "Unknown setting(s) given with --vars: " ~ (unknown | join(', '))
                ~ ". Known settings (dbt_project.yml vars): " ~ (spec.keys() | sort | join(', '))
            ) }}
        {%- endif -%}
        {%- for name in spec -%}
            {%- do setting_value(name) -%}
        {%- endfor -%}
        {%- do validate_currencies_reachable() -%}
        {%- do validate_build_settings() -%}
    {%- endif -%}
    select 1 as settings_validated
{%- endmacro %}
