{#- The ordered session funnel per day, channel group, device and country, with
    each step's rate from the counts of the same row (NULL when the step before
    has no sessions). Roll-ups to other grains must re-sum the counts. -#}
with

funnel_days as (

    select * from {{ ref('int_funnel_days_aggregated') }}

),

final as (

    select
        funnel_day_id,
        session_date,
        channel_group,
        device_type,
        country_code,

        -- counts
        sessions,
        sessions_reaching_product_view,
        sessions_reaching_add_to_cart,
        sessions_reaching_begin_checkout,
        sessions_reaching_purchase,
        purchase_sessions,
        bounce_sessions,

        -- step rates
        cast(sessions_reaching_product_view as {{ kpi_type_double() }})
        / nullif(sessions, 0) as product_view_rate,
        cast(sessions_reaching_add_to_cart as {{ kpi_type_double() }})
        / nullif(sessions_reaching_product_view, 0) as add_to_cart_rate,
        cast(sessions_reaching_begin_checkout as {{ kpi_type_double() }})
        / nullif(sessions_reaching_add_to_cart, 0) as begin_checkout_rate,
        cast(sessions_reaching_purchase as {{ kpi_type_double() }})
        / nullif(sessions_reaching_begin_checkout, 0) as purchase_rate,
        cast(purchase_sessions as {{ kpi_type_double() }})
        / nullif(sessions, 0) as session_conversion_rate,
        cast(bounce_sessions as {{ kpi_type_double() }})
        / nullif(sessions, 0) as bounce_rate
    from funnel_days

)

select * from final
