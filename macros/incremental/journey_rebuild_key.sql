{#- The unit int_journey_touches_sequenced rebuilds on an incremental run: its
    user (`user:` + user_id), or for a guest order without a session user the
    order (`order:` + order_id). The prefixes keep the two kinds of key apart. -#}
{% macro journey_rebuild_key(user_id, order_id) -%}
    case
        when {{ user_id }} is null then {{ dbt.concat(["'order:'", order_id]) }}
        else {{ dbt.concat(["'user:'", user_id]) }}
    end
{%- endmacro %}
