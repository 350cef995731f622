{#- Rows of relation dated within the lookback window of its newest date in
    date_column (a column or an expression: the newest day minus
    incremental_lookback_days, the window incremental_window_start gives the
    build), and rows whose date is NULL. -#}
{% macro rebuilt_rows_predicate(relation, date_column) -%}
    {%- set lookback_days = setting_value('incremental_lookback_days') -%}
    ({{ date_column }} >= {{ dbt.dateadd(
        'day', -lookback_days, '(select max(' ~ date_column ~ ') from ' ~ relation ~ ')'
    ) }} or {{ date_column }} is null)
{%- endmacro %}
