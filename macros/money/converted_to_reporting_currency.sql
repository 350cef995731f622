{#- The body of a staging model's `converted` CTE: every column of `relation`
    (an upper-case `currency` column and amounts in it), then its
    rate_to_reporting (see reporting_rate) and each `<name>_local` amount as
    `<name>` in the reporting currency (see to_reporting_currency). The rate is
    the one of stg_finance__exchange_rates valid on the row's `date_column`
    (the latest on or before that reporting day), read through the model's
    import CTE `rates`. The staging models with money (orders, payments, ad
    spend) convert through this one macro. -#}
{% macro converted_to_reporting_currency(relation, date_column, local_amounts, rates='exchange_rates') -%}
    select
        with_rate.*
        {%- for local_amount in local_amounts %}
            {%- if not local_amount.endswith('_local') -%}
                {{ exceptions.raise_compiler_error(
                    "converted_to_reporting_currency: '" ~ local_amount ~ "' does not end in _local"
                ) }}
            {%- endif %},
        {{ to_reporting_currency('with_rate.' ~ local_amount, 'with_rate.rate_to_reporting') }} as {{ local_amount[:-6] }}
        {%- endfor %}
    from (
        select
            {{ relation }}.*,
            {{ reporting_rate(relation ~ '.currency', 'rates.rate_to_reporting') }} as rate_to_reporting
        from {{ relation }}
        left join {{ rates }} as rates
            on {{ relation }}.currency = rates.currency
                and {{ relation }}.{{ date_column }} >= rates.valid_from
                and {{ relation }}.{{ date_column }} < rates.valid_to
    ) as with_rate
{%- endmacro %}
