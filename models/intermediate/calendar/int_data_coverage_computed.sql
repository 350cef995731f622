{#- The span of days the data covers, and which of them count as complete.
    Cohort and window KPIs only count periods that are complete in the data
    (kpi_dictionary: complete periods), so they all take the last complete day
    from here. By default the data is complete through the latest day with any
    web event or placed order; set var data_complete_through (a date) when the
    feed's last day is partial.
    A data set that starts after the shop opened cannot show what happened
    before its first activity day: KPIs that need a customer's earlier orders
    are complete only from history_complete_from (var history_warm_up_days
    after the first order day), attribution only from attribution_complete_from
    (var attribution_lookback_days after the later of the first order day and
    the first web event day), unless
    var history_complete says the data holds the shop's whole history. -#}
{%- set history_complete = setting_value('history_complete') -%}
{%- set history_days = 0 if history_complete else setting_value('history_warm_up_days') -%}
{%- set attribution_days = 0 if history_complete else setting_value('attribution_lookback_days') -%}
with

events as (

    select * from {{ ref('stg_web__events') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

event_days as (

    select
        min(event_date) as first_day,
        max(event_date) as last_day
    from events

),

order_days as (

    select
        min(ordered_date) as first_day,
        max(ordered_date) as last_day
    from orders

),

signup_days as (

    select min(signup_date) as first_day
    from customers

),

spans as (

    select
        least(
            coalesce(order_days.first_day, event_days.first_day),
            coalesce(event_days.first_day, order_days.first_day),
            coalesce(signup_days.first_day, order_days.first_day)
        ) as data_start_date,
        -- activity (web events, orders) before this day is unknown, not absent
        least(
            coalesce(order_days.first_day, event_days.first_day),
            coalesce(event_days.first_day, order_days.first_day)
        ) as first_activity_date,
        -- customer history starts with the orders; attribution needs both
        -- orders and the sessions before them
        coalesce(order_days.first_day, event_days.first_day) as first_order_date,
        greatest(
            coalesce(order_days.first_day, event_days.first_day),
            coalesce(event_days.first_day, order_days.first_day)
        ) as first_order_and_event_date,
        greatest(
            coalesce(order_days.last_day, event_days.last_day),
            coalesce(event_days.last_day, order_days.last_day)
        ) as data_end_date
    from order_days
    cross join event_days
    cross join signup_days

),

final as (

    select
        1 as coverage_id,
        data_start_date,
        first_activity_date,
        {% if history_complete -%}
            first_activity_date as history_complete_from,
            first_activity_date as attribution_complete_from,
        {%- else -%}
            cast({{ dbt.dateadd('day', history_days, 'first_order_date') }} as date) as history_complete_from,
            cast({{ dbt.dateadd('day', attribution_days, 'first_order_and_event_date') }} as date)
                as attribution_complete_from,
        {%- endif %}
        data_end_date,
        {% if setting_value('data_complete_through') is not none -%}
            {{ setting('data_complete_through') }}
        {%- else -%}
            data_end_date
        {%- endif %} as last_complete_date
    from spans

),

with_month as (

    -- the last calendar month whose every day is complete
    select
        final.*,
        case
            when {{ dbt.dateadd('day', 1, 'last_complete_date') }}
                = {{ dbt.date_trunc('month', dbt.dateadd('day', 1, 'last_complete_date')) }}
                then cast({{ dbt.date_trunc('month', 'last_complete_date') }} as date)
            else cast({{ dbt.dateadd('month', -1, dbt.date_trunc('month', 'last_complete_date')) }} as date)
        end as last_complete_month_start
    from final

)

select * from with_month
