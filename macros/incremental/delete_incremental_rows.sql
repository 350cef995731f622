{#- A post-hook for incremental models that filter rows out: delete_insert only
    replaces the keys of the new batch, so a row that the filter now drops (the
    key is no longer in the batch) is deleted here. Does nothing on a full
    refresh. -#}
{% macro delete_incremental_rows(key_column, model_name, condition) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ key_column }} in (
            select {{ key_column }} from {{ ref(model_name) }} where {{ condition }}
        )
    {%- endif -%}
{%- endmacro %}
