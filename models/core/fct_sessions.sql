{#- One row per session of a non-test user: the session facts every traffic
    KPI reads (sessions, bounce, conversion, funnel, dwell). Incremental like
    int_sessions_sessionized, over the same sessions, found from the sessions
    (macro sessions_to_rebuild, D292); the post-hook (in the YAML) drops a
    session whose user turned out to be a test user (a later login stitched its
    anonymous id to a test account). -#}
{{
    config(
        materialized=incremental_materialization(),
        meta={'rebuilt_rows_date_column': 'session_date'},
        incremental_strategy='delete+insert',
        unique_key='session_id',
        on_schema_change='fail',
    )
}}

with

all_sessions as (

    select * from {{ ref('int_sessions_sessionized') }}

),

session_keys as (  -- noqa: ST03

    -- read on incremental runs only, for the rebuild set (a CTE of its own: D283)
    select * from {{ ref('int_sessions_sessionized') }}

),

stitched_ids as (  -- noqa: ST03

    -- read on incremental runs only, for the rebuild set
    select * from {{ ref('int_anonymous_ids_stitched') }}

),

sessions as (

    select all_sessions.*
    from all_sessions
    {% if is_incremental() -%}
        where all_sessions.session_id in (
                {{ sessions_to_rebuild('session_keys', 'stitched_ids', incremental_window_start('session_date')) }}
            )
    {%- endif %}

),

final as (

    select
        -- ids
        session_id,
        user_id,
        customer_id,
        anonymous_id,
        purchase_order_id,

        -- time
        session_date,
        started_at,
        ended_at,
        duration_seconds,

        -- traffic source and context
        channel_group,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        referrer,
        landing_page_url,
        landing_page_type,
        device_type,
        country_code,

        -- engagement
        event_count,
        is_bounce,
        product_view_count,
        product_view_dwell_ms,

        -- ordered funnel
        reached_product_view,
        reached_add_to_cart,
        reached_begin_checkout,
        reached_purchase,
        product_view_reached_at,
        add_to_cart_reached_at,
        begin_checkout_reached_at,
        purchase_reached_at,

        -- conversion
        has_purchase,
        customer_id is not null as is_identified
    from sessions
    where not is_test_user

)

select * from final
