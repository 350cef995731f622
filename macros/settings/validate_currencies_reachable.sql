{#- Part of the settings check: every currency in a money column of the raw
    data (orders, payments, products' prices and costs, ad spend; order items,
    refunds and stock take their order's or product's currency) must reach the
    reporting currency through finance_exchange_rates at all: it is the
    reporting currency, or the rates hold it and (when they are quoted in
    another currency, exchange_rates_quote_currency) the reporting currency
    too. Otherwise the run stops naming the currency and where it is used.
    It also stops when the rates give the quote currency itself a rate other
    than 1 (rates quoted in another currency than the setting says).
    Coverage day by day is the data test assert_exchange_rates_cover_amounts.
    Raw tables not loaded yet are skipped. -#}
{% macro validate_currencies_reachable() -%}
    {%- set reporting = setting_value('reporting_currency') -%}
    {%- set quote = setting_value('exchange_rates_quote_currency') or reporting -%}
    {%- set money_tables = [
        ('shop_orders', source('shop', 'orders'), 'currency is not null'),
        ('shop_payments', source('shop', 'payments'), 'currency is not null'),
        ('shop_products', source('shop', 'products'),
            'currency is not null and (unit_cost is not null or list_price is not null)'),
        ('marketing_ad_spend', source('marketing', 'ad_spend'), 'currency is not null'),
    ] -%}
    {%- set selects = [] -%}
    {%- for table_name, relation, condition in money_tables -%}
        {%- if adapter.get_relation(database=relation.database, schema=relation.schema,
            identifier=relation.identifier) is not none -%}
            {%- do selects.append(
                "select distinct upper(trim(currency)) as currency, '" ~ table_name ~ "' as table_name from "
                ~ relation ~ " where " ~ condition
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not selects -%}
        {{ return('') }}
    {%- endif -%}
    {%- set rates = source('finance', 'exchange_rates') -%}
    {%- set rated = [] -%}
    {%- if adapter.get_relation(database=rates.database, schema=rates.schema, identifier=rates.identifier) is not none -%}
        {%- set rated = run_query(
            "select distinct upper(trim(currency)) as currency from " ~ rates ~ " where currency is not null"
        ).columns[0].values() | list -%}
    {%- endif -%}
    {%- if rated -%}
        {#- the quote currency is worth 1 in itself: a rate of it other than 1
            means the rates are quoted in another currency -#}
        {%- set off_par = run_query(
            "select count(*), min(rate_date), min(rate_to_reporting), max(rate_to_reporting) from " ~ rates
            ~ " where upper(trim(currency)) = " ~ sql_literal(quote) ~ " and rate_to_reporting <> 1"
        ).rows[0] -%}
        {%- if off_par[0] > 0 -%}
            {%- set at_par = run_query(
                "select upper(trim(currency)) from " ~ rates ~ " group by upper(trim(currency))"
                ~ " having min(rate_to_reporting) = 1 and max(rate_to_reporting) = 1"
            ).columns[0].values() | list -%}
            {{ exceptions.raise_compiler_error(
                "Setting exchange_rates_quote_currency = " ~ (sql_literal(setting_value('exchange_rates_quote_currency')))
                ~ " (the rates' quote currency: " ~ quote ~ "): finance_exchange_rates gives " ~ quote
                ~ " itself a rate other than 1 on " ~ off_par[0] ~ " day(s) from " ~ off_par[1]
                ~ " (" ~ off_par[2] ~ " to " ~ off_par[3] ~ "), so its rates are not quoted in " ~ quote
                ~ ". Set exchange_rates_quote_currency to the currency they are quoted in"
                ~ ((" (" ~ (at_par | sort | join(', ')) ~ " is at 1 on every day)") if at_par else "") ~ "."
            ) }}
        {%- endif -%}
    {%- endif -%}
    {%- set used = run_query(selects | join('\nunion all\n')) -%}
    {%- set missing = {} -%}
    {%- for row in used.rows -%}
        {%- set currency = row[0] -%}
        {%- set reachable = currency == reporting
            or (quote == reporting and currency in rated)
            or (quote != reporting and reporting in rated and (currency == quote or currency in rated)) -%}
        {%- if not reachable -%}
            {%- do missing.update({currency: missing.get(currency, []) + [row[1]]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {%- set lines = [] -%}
        {%- for currency in missing | sort -%}
            {%- do lines.append(currency ~ " (in " ~ (missing[currency] | sort | join(', ')) ~ ")") -%}
        {%- endfor -%}
        {%- if quote != reporting and reporting not in rated -%}
            {%- set why = "finance_exchange_rates, quoted in " ~ quote ~ " (exchange_rates_quote_currency), has no rate for "
                ~ reporting ~ ", the reporting currency, so no other currency can be converted to it" -%}
        {%- else -%}
            {%- set why = "finance_exchange_rates has no rate for " ~ (missing | sort | join(', ')) -%}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "Setting reporting_currency = \"" ~ reporting ~ "\": amounts in " ~ (lines | join('; '))
            ~ " cannot be converted to " ~ reporting ~ ": " ~ why
            ~ ". Add their rates to finance_exchange_rates, or set reporting_currency to the data's one currency"
            ~ " (a single-currency export needs no rates)."
        ) }}
    {%- endif -%}
{%- endmacro %}
