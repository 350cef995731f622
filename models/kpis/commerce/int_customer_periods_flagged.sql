{#- The customers each period ratio of the customer KPIs counts, one row per
    kpi_id, grain (month, quarter, year), period start and customer, with
    is_counted = 1 when the customer is in the numerator too:
    - repurchase_rate: customers with a valid order in the period; counted
      with 2+ valid orders in it;
    - churn_rate: customers not churned at the period start (a valid order in
      the churn_days + 1 days before it); counted when they churn during the
      period (on day o + churn_days + 1 after a valid order o with no further
      valid order before that day);
    - reactivation_rate: customers with an earlier valid order but none in the
      reactivation_lapse_days days before the period start; counted when they
      place a valid order in the period.
    Periods are those of the data's span (int_data_coverage_computed). -#}
{%- set churn_days = setting_value('churn_days') -%}
{%- set lapse_days = setting_value('reactivation_lapse_days') -%}
{%- set period_grains = ['month', 'quarter', 'year'] -%}
{%- set grain_columns = kpi_grain_start_columns() -%}
with

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

order_days as (

    select * from {{ ref('int_customer_order_days_sequenced') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

periods as (

    {{ kpi_period_spine('calendar', 'coverage', 'data_start_date', period_grains) }}

),

customer_period_orders as (

    {%- for grain in period_grains %}
        select
            '{{ grain }}' as grain,
            calendar.{{ grain_columns[grain] }} as period_start,
            customer_orders.customer_id,
            count(*) as valid_orders
        from customer_orders
        inner join calendar
            on customer_orders.ordered_date = calendar.date_day
        where customer_orders.is_valid
        group by calendar.{{ grain_columns[grain] }}, customer_orders.customer_id
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

churn_events as (

    -- the day a customer churns: no further valid order before it
    select
        customer_id,
        cast({{ dbt.dateadd('day', churn_days + 1, 'ordered_date') }} as date) as churned_date
    from order_days
    where next_ordered_date is null
        or next_ordered_date >= {{ dbt.dateadd('day', churn_days + 1, 'ordered_date') }}

),

churn_base as (

    -- not churned at the period start: a valid order in the churn_days + 1 days before it
    select distinct
        periods.grain,
        periods.period_start,
        periods.period_end,
        order_days.customer_id
    from periods
    inner join order_days
        on periods.period_start > order_days.ordered_date
            and order_days.ordered_date >= {{ dbt.dateadd('day', -(churn_days + 1), 'periods.period_start') }}

),

churned as (

    select distinct
        churn_base.grain,
        churn_base.period_start,
        churn_base.customer_id
    from churn_base
    inner join churn_events
        on churn_base.customer_id = churn_events.customer_id
            and churn_base.period_start <= churn_events.churned_date
            and churn_base.period_end >= churn_events.churned_date

),

lapsed_customers as (

    -- an earlier valid order, none in the lapse_days before the period start
    select
        periods.grain,
        periods.period_start,
        order_days.customer_id
    from periods
    inner join order_days
        on periods.period_start > order_days.ordered_date
    group by periods.grain, periods.period_start, order_days.customer_id
    having max(order_days.ordered_date) < {{ dbt.dateadd('day', -lapse_days, 'periods.period_start') }}

),

final as (

    select
        'repurchase_rate' as kpi_id,
        periods.grain,
        periods.period_start,
        customer_period_orders.customer_id,
        case when customer_period_orders.valid_orders >= 2 then 1 else 0 end as is_counted
    from periods
    inner join customer_period_orders
        on periods.grain = customer_period_orders.grain
            and periods.period_start = customer_period_orders.period_start

    union all

    select
        'churn_rate' as kpi_id,
        churn_base.grain,
        churn_base.period_start,
        churn_base.customer_id,
        case when churned.customer_id is not null then 1 else 0 end as is_counted
    from churn_base
    left join churned
        on churn_base.grain = churned.grain
            and churn_base.period_start = churned.period_start
            and churn_base.customer_id = churned.customer_id

    union all

    select
        'reactivation_rate' as kpi_id,
        lapsed_customers.grain,
        lapsed_customers.period_start,
        lapsed_customers.customer_id,
        case when customer_period_orders.customer_id is not null then 1 else 0 end as is_counted
    from lapsed_customers
    left join customer_period_orders
        on lapsed_customers.grain = customer_period_orders.grain
            and lapsed_customers.period_start = customer_period_orders.period_start
            and lapsed_customers.customer_id = customer_period_orders.customer_id

)

select * from final
