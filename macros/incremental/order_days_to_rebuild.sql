{#- The order days an incremental run recomputes in a daily aggregate of orders:
    the order day of every order fct_orders rebuilds, that is of the orders
    macro orders_to_rebuild selects (with every other order of their customers,
    whose place in the customer's history can change) and of the orders placed
    in a session with an event in the window (their traffic channel can change;
    a stitch changes no column of an order, D289). Refunds are dated by their
    order, so a refund completed today recomputes the day its order was placed. -#}
{% macro order_days_to_rebuild(orders, refunds, events, window_start) -%}
    select distinct day_orders.ordered_date as rebuilt_date
    from {{ orders }} as day_orders
    where
        day_orders.order_id in (
            {{ orders_to_rebuild(orders, refunds, window_start) }}
        )
        or day_orders.session_id in (
            {{ web_sessions_to_rebuild(events, window_start, restitched='none') }}
        )
{%- endmacro %}
