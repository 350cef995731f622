{#- A custom incremental strategy, 'window_delete_insert' (D294): delete+insert
    keyed on the day column (unique_key) that replaces whole only the days from
    the window start (incremental_window_start of that column, read when the
    statement runs) and only inserts the batch's rows of older days, which a
    pre-hook has deleted first. For a model that recomputes its window's days
    whole and, before them, single rows of a day (int_user_days_aggregated).
    dbt calls it with the incremental materialization's arguments. -#}
{% macro get_incremental_window_delete_insert_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set day_column = arg_dict['unique_key'] -%}
    {%- if day_column is not string -%}
        {{ exceptions.raise_compiler_error(
            "window_delete_insert: unique_key must be the one day column, not " ~ day_column
        ) }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where
        {{ day_column }} in (select window_rows.{{ day_column }} from {{ source }} as window_rows)
        and {{ day_column }} >= {{ incremental_window_start(day_column) }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ source }}
{%- endmacro %}
