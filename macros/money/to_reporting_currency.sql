{#- An amount converted into the reporting currency (var reporting_currency) with
    an already-resolved rate (see reporting_rate), at the warehouse's money
    precision. Both arguments may be expressions (`a - b`); they are
    parenthesised here so the whole expression is converted. -#}
{% macro to_reporting_currency(amount_column, rate_column='rate_to_reporting') -%}
    cast(({{ amount_column }}) * ({{ rate_column }}) as {{ dbt.type_numeric() }})
{%- endmacro %}
