{#- The calendar date, in the reporting time zone (var reporting_timezone), of a
    UTC timestamp column. Every *_date column of the warehouse goes through here so
    that a day means the same thing everywhere. -#}
{% macro to_reporting_date(column_name) -%}
    {{ return(adapter.dispatch('to_reporting_date', 'ecommerce_kpi')(column_name)) }}
{%- endmacro %}

{% macro default__to_reporting_date(column_name) -%}
    {%- set tz = setting_value('reporting_timezone') -%}
    {%- if tz | upper == 'UTC' -%}
        cast({{ column_name }} as date)
    {%- else -%}
        cast(({{ column_name }} at time zone 'UTC') at time zone {{ setting('reporting_timezone') }} as date)
    {%- endif -%}
{%- endmacro %}

{% macro spark__to_reporting_date(column_name) -%}
    {%- set tz = setting_value('reporting_timezone') -%}
    {%- if tz | upper == 'UTC' -%}
        to_date({{ column_name }})
    {%- else -%}
        to_date(from_utc_timestamp({{ column_name }}, {{ setting('reporting_timezone') }}))
    {%- endif -%}
{%- endmacro %}
