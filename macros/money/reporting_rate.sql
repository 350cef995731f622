{#- The rate that turns one unit of a row's currency into the reporting currency:
    1 when the row is already in the reporting currency (even if the rates table
    has no row for it), else the rate found by the join to
    stg_finance__exchange_rates for the row's day. A missing rate stays NULL on
    purpose: the data test assert_exchange_rates_cover_amounts then fails instead
    of silently mixing currencies. -#}
{% macro reporting_rate(currency_column, rate_column) -%}
    case
        when {{ currency_column }} = {{ setting('reporting_currency') }} then 1
        else {{ rate_column }}
    end
{%- endmacro %}
