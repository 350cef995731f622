{#- Ordered-funnel counts per session day (reporting time zone), traffic channel
    group, device type and country, over non-test sessions. Counts only: rates
    are computed in funnel_daily from these summed counts, never by averaging.
    Incremental: a run recomputes, whole, every day with a session that has an
    event in the lookback window, and the days of the older sessions whose test
    flag a stitch can change (macro sessions_to_rebuild, restitched 'test': no
    other column read here changes with a stitch, D292, D293). -#}
{{
    config(
        materialized=incremental_materialization(),
        meta={'rebuilt_rows_date_column': 'session_date'},
        incremental_strategy='delete+insert',
        unique_key='session_date',
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

login_events as (  -- noqa: ST03

    -- read on incremental runs only: logins that can make a session a test user's
    select * from {{ ref('stg_web__events') }}

),

customers as (  -- noqa: ST03

    -- read on incremental runs only: which customers are test accounts
    select * from {{ ref('stg_shop__customers') }}

),

{% if is_incremental() -%}
    test_logins as (

        select
            test_login_events.session_id,
            test_login_events.anonymous_id
        from login_events as test_login_events
        inner join customers as test_customers
            on test_login_events.customer_id = test_customers.customer_id
        where test_customers.is_test

    ),
{%- endif %}

sessions as (

    select all_sessions.*
    from all_sessions
    {% if is_incremental() -%}
        where all_sessions.session_date in (
                select rebuilt_sessions.session_date
                from session_keys as rebuilt_sessions
                where rebuilt_sessions.session_id in (
                        {{ sessions_to_rebuild(
                            'session_keys', 'stitched_ids', incremental_window_start('session_date'),
                            'test', 'test_logins'
                        ) }}
                    )
            )
    {%- endif %}

),

final as (

    select
        {{ surrogate_key(['session_date', 'channel_group', 'device_type', 'country_code']) }} as funnel_day_id,
        session_date,
        channel_group,
        device_type,
        country_code,
        count(*) as sessions,
        count(case when reached_product_view then 1 end) as sessions_reaching_product_view,
        count(case when reached_add_to_cart then 1 end) as sessions_reaching_add_to_cart,
        count(case when reached_begin_checkout then 1 end) as sessions_reaching_begin_checkout,
        count(case when reached_purchase then 1 end) as sessions_reaching_purchase,
        count(case when has_purchase then 1 end) as purchase_sessions,
        count(case when is_bounce then 1 end) as bounce_sessions
    from sessions
    where not is_test_user
    group by session_date, channel_group, device_type, country_code

)

select * from final
