{#- The pre-hook of int_user_days_aggregated on an incremental run: deletes the
    pairs before the window that the run recomputes (user_days_to_rebuild), so
    that a pair left without activity (its session moved to another user, or
    became a test user's) goes too. The days from the window start on are
    replaced whole by delete+insert; this delete leaves them, so the newest day,
    and with it the window start, stays what the model reads. -#}
{% macro delete_user_days_to_rebuild() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as rebuilt_pairs
        where
            rebuilt_pairs.activity_date < {{ incremental_window_start('activity_date') }}
            and exists (
                select 1
                from (
                    {{ user_days_to_rebuild(
                        ref('int_sessions_sessionized'), ref('int_anonymous_ids_stitched'),
                        ref('stg_web__events'), incremental_window_start('activity_date')
                    ) }}
                ) as pairs
                where
                    pairs.user_id = rebuilt_pairs.user_id
                    and pairs.activity_date = rebuilt_pairs.activity_date
            )
    {%- endif -%}
{%- endmacro %}
