{#- The orders an incremental run rebuilds: every order placed, paid, cancelled
    or updated on or after window_start, or with a refund requested or completed
    then, and with them every other order of the same customers, since an
    order's place in its customer's history (new or returning, valid order
    number) depends on all of them. Guest orders stand alone. -#}
{% macro orders_to_rebuild(orders, refunds, window_start) -%}
    select rebuilt_orders.order_id
    from {{ orders }} as rebuilt_orders
    where
        rebuilt_orders.order_id in (
            select changed_orders.order_id
            from {{ orders }} as changed_orders
            where
                changed_orders.ordered_date >= {{ window_start }}
                or changed_orders.paid_date >= {{ window_start }}
                or changed_orders.cancelled_date >= {{ window_start }}
                or {{ to_reporting_date('changed_orders.updated_at') }} >= {{ window_start }}
            union
            select changed_refunds.order_id
            from {{ refunds }} as changed_refunds
            where
                changed_refunds.requested_date >= {{ window_start }}
                or changed_refunds.refunded_date >= {{ window_start }}
        )
        or rebuilt_orders.customer_id in (
            select touched_orders.customer_id
            from {{ orders }} as touched_orders
            where
                touched_orders.ordered_date >= {{ window_start }}
                or touched_orders.paid_date >= {{ window_start }}
                or touched_orders.cancelled_date >= {{ window_start }}
                or {{ to_reporting_date('touched_orders.updated_at') }} >= {{ window_start }}
                or touched_orders.order_id in (
                    select touched_refunds.order_id
                    from {{ refunds }} as touched_refunds
                    where
                        touched_refunds.requested_date >= {{ window_start }}
                        or touched_refunds.refunded_date >= {{ window_start }}
                )
        )
{%- endmacro %}
