{#- The first day an incremental run reprocesses: the newest date_column already
    in the model minus var incremental_lookback_days. Taken from the model
    itself, not from the clock, so a run skipped for a day still reaches back
    far enough; an empty model gives a day before any data. -#}
{% macro incremental_window_start(date_column) -%}
    {%- set lookback_days = setting_value('incremental_lookback_days') -%}
    coalesce(
        cast({{ dbt.dateadd('day', -lookback_days, '(select max(' ~ date_column ~ ') from ' ~ this ~ ')') }} as date),
        cast('1900-01-01' as date)
    )
{%- endmacro %}
