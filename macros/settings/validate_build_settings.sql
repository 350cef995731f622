{#- Part of the settings check: an incremental run (no --full-refresh) on a
    warehouse that already holds marts.build_settings must use the settings it
    was built with (build_settings_names). A different reporting currency, quote
    currency or zone would leave older rows of the incremental models in the
    old ones beside new rows in the new ones, so the run stops naming the
    setting, both values and how to rebuild. A fresh warehouse (no such table)
    and a full refresh pass. -#}
{% macro validate_build_settings() -%}
    {%- if flags.FULL_REFRESH -%}
        {{ return('') }}
    {%- endif -%}
    {%- set built = adapter.get_relation(database=target.database, schema='marts', identifier='build_settings') -%}
    {%- if built is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set rows = run_query('select setting_name, setting_value from ' ~ built) -%}
    {%- for row in rows -%}
        {%- set name = row[0] -%}
        {%- if name in build_settings_names() -%}
            {%- set now = setting_value(name) -%}
            {%- set now_text = none if now is none else (now | string) -%}
            {%- if now_text != row[1] -%}
                {{ exceptions.raise_compiler_error(
                    "Setting " ~ name ~ " = " ~ (now_text if now_text is not none else 'null')
                    ~ ", but this warehouse was built with " ~ name ~ " = "
                    ~ (row[1] if row[1] is not none else 'null') ~ " (marts.build_settings). An incremental "
                    ~ "run would mix both in its incremental models: use the same setting, or rebuild in "
                    ~ "full (make run without INCREMENTAL, or dbt build --full-refresh)."
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
