{#- A post-hook for incremental daily aggregates: delete+insert replaces only
    the days present in the new batch, so a recomputed day that no longer has
    any row upstream (every session of it turned test, or its only session's
    start moved to the day before) would keep its old rows. This deletes the
    days of the model that model_name no longer has. Does nothing on a full
    refresh. -#}
{% macro delete_emptied_days(date_column, model_name, model_date_column, condition='true') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as emptied
        where not exists (
            select 1
            from {{ ref(model_name) }} as upstream
            where
                upstream.{{ model_date_column }} = emptied.{{ date_column }}
                and {{ condition }}
        )
    {%- endif -%}
{%- endmacro %}
