{#- The settings that shape what incremental models store (amounts converted
    into the reporting currency, days and periods in the reporting zone): the
    rows of marts.build_settings, and what validate_build_settings compares
    before an incremental run. -#}
{% macro build_settings_names() -%}
    {{ return(['reporting_currency', 'exchange_rates_quote_currency', 'reporting_timezone']) }}
{%- endmacro %}
