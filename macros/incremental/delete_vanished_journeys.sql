{#- A post-hook of int_journey_touches_sequenced: delete+insert replaces only
    the rebuild keys present in the new batch, so a user left with no session
    and no order (an anonymous id whose sessions a first login stitched to a
    customer; a user turned test) would keep its old journeys. This deletes the
    rows of every rebuild key that no session and no order has any more. Does
    nothing on a full refresh. -#}
{% macro delete_vanished_journeys() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as vanished
        where
            not exists (
                select 1
                from {{ ref('fct_sessions') }} as user_sessions
                where {{ dbt.concat(["'user:'", 'user_sessions.user_id']) }} = vanished.rebuild_key
            )
            and not exists (
                select 1
                from {{ ref('fct_orders') }} as user_orders
                left join {{ ref('fct_sessions') }} as order_sessions
                    on user_orders.session_id = order_sessions.session_id
                where
                    {{ journey_rebuild_key(
                        'coalesce(user_orders.customer_id, order_sessions.user_id)', 'user_orders.order_id'
                    ) }} = vanished.rebuild_key
            )
    {%- endif -%}
{%- endmacro %}
