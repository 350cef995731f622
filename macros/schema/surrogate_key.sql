{#- A deterministic string key from several columns (for tables whose natural key
    is composite): NULLs are made explicit so that (a, NULL) and (NULL, a) differ. -#}
{% macro surrogate_key(column_names) -%}
    {%- set parts = [] -%}
    {%- for column_name in column_names -%}
        {%- do parts.append("coalesce(cast(" ~ column_name ~ " as " ~ dbt.type_string() ~ "), '_null_')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
