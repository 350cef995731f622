{#- The wall-clock time in the reporting time zone (a timestamp without zone) of a
    UTC timestamp column: for hour-of-day breakdowns and local-time rules. -#}
{% macro to_reporting_timestamp(column_name) -%}
    {{ return(adapter.dispatch('to_reporting_timestamp', 'ecommerce_kpi')(column_name)) }}
{%- endmacro %}

{% macro default__to_reporting_timestamp(column_name) -%}
    {%- set tz = setting_value('reporting_timezone') -%}
    {%- if tz | upper == 'UTC' -%}
        {{ column_name }}
    {%- else -%}
        cast(({{ column_name }} at time zone 'UTC') at time zone {{ setting('reporting_timezone') }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{% macro spark__to_reporting_timestamp(column_name) -%}
    {%- set tz = setting_value('reporting_timezone') -%}
    {%- if tz | upper == 'UTC' -%}
        {{ column_name }}
    {%- else -%}
        from_utc_timestamp({{ column_name }}, {{ setting('reporting_timezone') }})
    {%- endif -%}
{%- endmacro %}
