{#- Customer KPIs that are not additive over days, computed per grain and
    period (day, ISO week, month, quarter, year within the data's span) from
    each registered customer's valid orders:
    - active_customers: customers with a valid order in the 365 days up to the
      period's last day (day 0 to day -364);
    - churn_rate: a customer churns on day o + churn_days + 1 after a valid
      order o when no further valid order comes before that day; customers
      with a valid order before the period who are not churned at its start /
      those of them who churn during it;
    - repurchase_rate: customers with 2+ valid orders in the period / with 1+;
    - reactivation_rate: customers with an earlier valid order but none in the
      reactivation_lapse_days (90) days before the period, who order in it /
      such customers.
    Every period of a KPI's grains is emitted for every breakdown value, 0
    (or 0 / 0) where nothing happened. A period is incomplete when its
    look-back reaches before the first day with recorded activity. -#}
{%- set churn_days = setting_value('churn_days') -%}
{%- set lapse_days = setting_value('reactivation_lapse_days') -%}
{%- set active_window_days = 365 -%}
{%- set customer_dimensions = setting_value('kpis_commerce_computed_dimensions') -%}
{%- set grain_columns = kpi_grain_start_columns() -%}
{%- set period_grains = ['month', 'quarter', 'year'] -%}
{%- set period_grain_list = "'" ~ period_grains | join("', '") ~ "'" -%}
{%- set kpis = {
    'active_customers': {
        'grains': ['day', 'week', 'month', 'quarter', 'year'],
        'dimensions': ['total', 'acquisition_channel_group', 'country_code'],
        'look_back_start': dbt.dateadd('day', -(active_window_days - 1), 'periods.period_end'),
    },
    'churn_rate': {
        'grains': period_grains,
        'dimensions': ['total', 'acquisition_channel_group'],
        'look_back_start': dbt.dateadd('day', -(churn_days + 1), 'periods.period_start'),
    },
    'repurchase_rate': {
        'grains': period_grains,
        'dimensions': ['total', 'acquisition_channel_group', 'country_code'],
        'look_back_start': 'periods.period_start',
    },
    'reactivation_rate': {
        'grains': period_grains,
        'dimensions': ['total', 'acquisition_channel_group'],
        'look_back_start': dbt.dateadd('day', -lapse_days, 'periods.period_start'),
    },
} -%}
with

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

-- the periods

span_days as (

    select
        calendar.date_day,
        calendar.iso_week_start_date,
        calendar.month_start_date,
        calendar.quarter_start_date,
        calendar.year_start_date
    from calendar
    cross join coverage
    where calendar.date_day >= coverage.data_start_date
        and calendar.date_day <= coverage.data_end_date

),

periods as (

    {%- for grain, column in grain_columns.items() %}
        select
            '{{ grain }}' as grain,
            {{ column }} as period_start,
            min(date_day) as first_day,
            max(date_day) as period_end
        from span_days
        group by {{ column }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

-- the customers and their breakdown values

customer_dimensions as (

    select
        customer_id,
        'total' as dimension,
        'total' as dimension_value
    from customers
    {%- for dimension in customer_dimensions %}

        union all

        select
            customer_id,
            '{{ dimension }}' as dimension,
            coalesce(cast({{ dimension }} as {{ dbt.type_string() }}), 'unknown') as dimension_value
        from customers
    {%- endfor %}

),

dimension_values as (

    select distinct
        dimension,
        dimension_value
    from customer_dimensions

),

-- valid orders: one row per customer and order day, with the next order day

valid_customer_days as (

    select distinct
        customer_id,
        ordered_date
    from customer_orders
    where is_valid

),

valid_order_days as (

    select
        customer_id,
        ordered_date,
        lead(ordered_date) over (partition by customer_id order by ordered_date) as next_ordered_date
    from valid_customer_days

),

-- active_customers: a running count of customers inside a 365-day window

active_deltas as (

    -- each order day opens a window that closes after 365 days or at the next order day
    select
        customer_id,
        ordered_date as delta_date,
        1 as delta
    from valid_order_days

    union all

    select
        customer_id,
        case
            when next_ordered_date < {{ dbt.dateadd('day', active_window_days, 'ordered_date') }}
                then next_ordered_date
            else cast({{ dbt.dateadd('day', active_window_days, 'ordered_date') }} as date)
        end as delta_date,
        -1 as delta
    from valid_order_days

),

dated_deltas as (

    -- a change before the span counts on its first day (the running count starts there)
    select
        active_deltas.customer_id,
        active_deltas.delta,
        case
            when active_deltas.delta_date < coverage.data_start_date then coverage.data_start_date
            else active_deltas.delta_date
        end as delta_date
    from active_deltas
    cross join coverage

),

dimension_deltas as (

    select
        customer_dimensions.dimension,
        customer_dimensions.dimension_value,
        dated_deltas.delta_date,
        sum(dated_deltas.delta) as delta
    from dated_deltas
    inner join customer_dimensions
        on dated_deltas.customer_id = customer_dimensions.customer_id
    group by
        customer_dimensions.dimension,
        customer_dimensions.dimension_value,
        dated_deltas.delta_date

),

active_by_day as (

    select
        dimension_values.dimension,
        dimension_values.dimension_value,
        span_days.date_day,
        sum(coalesce(dimension_deltas.delta, 0)) over (
            partition by dimension_values.dimension, dimension_values.dimension_value
            order by span_days.date_day
            rows between unbounded preceding and current row
        ) as active_customers
    from dimension_values
    cross join span_days
    left join dimension_deltas
        on dimension_values.dimension = dimension_deltas.dimension
            and dimension_values.dimension_value = dimension_deltas.dimension_value
            and span_days.date_day = dimension_deltas.delta_date

),

active_customers as (

    select
        'active_customers' as kpi_id,
        periods.grain,
        periods.period_start,
        active_by_day.dimension,
        active_by_day.dimension_value,
        active_by_day.active_customers as numerator,
        cast(null as {{ dbt.type_int() }}) as denominator
    from periods
    inner join active_by_day
        on periods.period_end = active_by_day.date_day

),

-- per customer and month / quarter / year

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
    from valid_order_days
    where next_ordered_date is null
        or next_ordered_date >= {{ dbt.dateadd('day', churn_days + 1, 'ordered_date') }}

),

churn_base as (

    -- not churned at the period start: a valid order in the churn_days + 1 days before it
    select distinct
        periods.grain,
        periods.period_start,
        periods.period_end,
        valid_order_days.customer_id
    from periods
    inner join valid_order_days
        on periods.period_start > valid_order_days.ordered_date
            and valid_order_days.ordered_date >= {{ dbt.dateadd('day', -(churn_days + 1), 'periods.period_start') }}
    where periods.grain in ({{ period_grain_list }})

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

churn_customers as (

    select
        churn_base.grain,
        churn_base.period_start,
        churn_base.customer_id,
        case when churned.customer_id is not null then 1 else 0 end as is_churned
    from churn_base
    left join churned
        on churn_base.grain = churned.grain
            and churn_base.period_start = churned.period_start
            and churn_base.customer_id = churned.customer_id

),

lapsed_customers as (

    -- an earlier valid order, none in the lapse_days before the period start
    select
        periods.grain,
        periods.period_start,
        valid_order_days.customer_id
    from periods
    inner join valid_order_days
        on periods.period_start > valid_order_days.ordered_date
    where periods.grain in ({{ period_grain_list }})
    group by periods.grain, periods.period_start, valid_order_days.customer_id
    having max(valid_order_days.ordered_date) < {{ dbt.dateadd('day', -lapse_days, 'periods.period_start') }}

),

reactivation_customers as (

    select
        lapsed_customers.grain,
        lapsed_customers.period_start,
        lapsed_customers.customer_id,
        case when customer_period_orders.customer_id is not null then 1 else 0 end as is_reactivated
    from lapsed_customers
    left join customer_period_orders
        on lapsed_customers.grain = customer_period_orders.grain
            and lapsed_customers.period_start = customer_period_orders.period_start
            and lapsed_customers.customer_id = customer_period_orders.customer_id

),

period_ratios as (

    select
        'repurchase_rate' as kpi_id,
        customer_period_orders.grain,
        customer_period_orders.period_start,
        customer_dimensions.dimension,
        customer_dimensions.dimension_value,
        sum(case when customer_period_orders.valid_orders >= 2 then 1 else 0 end) as numerator,
        count(*) as denominator
    from customer_period_orders
    inner join customer_dimensions
        on customer_period_orders.customer_id = customer_dimensions.customer_id
    group by
        customer_period_orders.grain,
        customer_period_orders.period_start,
        customer_dimensions.dimension,
        customer_dimensions.dimension_value

    union all

    select
        'churn_rate' as kpi_id,
        churn_customers.grain,
        churn_customers.period_start,
        customer_dimensions.dimension,
        customer_dimensions.dimension_value,
        sum(churn_customers.is_churned) as numerator,
        count(*) as denominator
    from churn_customers
    inner join customer_dimensions
        on churn_customers.customer_id = customer_dimensions.customer_id
    group by
        churn_customers.grain,
        churn_customers.period_start,
        customer_dimensions.dimension,
        customer_dimensions.dimension_value

    union all

    select
        'reactivation_rate' as kpi_id,
        reactivation_customers.grain,
        reactivation_customers.period_start,
        customer_dimensions.dimension,
        customer_dimensions.dimension_value,
        sum(reactivation_customers.is_reactivated) as numerator,
        count(*) as denominator
    from reactivation_customers
    inner join customer_dimensions
        on reactivation_customers.customer_id = customer_dimensions.customer_id
    group by
        reactivation_customers.grain,
        reactivation_customers.period_start,
        customer_dimensions.dimension,
        customer_dimensions.dimension_value

),

measured as (

    select
        kpi_id,
        grain,
        period_start,
        dimension,
        dimension_value,
        numerator,
        denominator
    from active_customers

    union all

    select
        kpi_id,
        grain,
        period_start,
        dimension,
        dimension_value,
        numerator,
        denominator
    from period_ratios

),

-- every period of each KPI's grains, for every value of its breakdowns

kpi_grid as (

    {%- for kpi_id, kpi in kpis.items() %}
        select
            '{{ kpi_id }}' as kpi_id,
            periods.grain,
            periods.period_start,
            dimension_values.dimension,
            dimension_values.dimension_value,
            {{ kpi.look_back_start }} >= coverage.first_activity_date as is_complete
        from periods
        cross join dimension_values
        cross join coverage
        where
            periods.grain in ('{{ kpi.grains | join("', '") }}')
            and dimension_values.dimension in (
                '{{ kpi.dimensions | join("', '") }}'
            )
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        kpi_grid.kpi_id,
        kpi_grid.grain,
        cast(kpi_grid.period_start as date) as period_start,
        kpi_grid.dimension,
        kpi_grid.dimension_value,
        cast(coalesce(measured.numerator, 0) as {{ kpi_type_double() }}) as numerator,
        cast(
            case when kpi_grid.kpi_id <> 'active_customers' then coalesce(measured.denominator, 0) end
            as {{ kpi_type_double() }}
        ) as denominator,
        cast(
            case
                when kpi_grid.kpi_id = 'active_customers' then coalesce(measured.numerator, 0)
                when coalesce(measured.denominator, 0) > 0 then 1.0 * measured.numerator / measured.denominator
            end as {{ kpi_type_double() }}
        ) as value,  -- noqa: RF04
        kpi_grid.is_complete
    from kpi_grid
    left join measured
        on kpi_grid.kpi_id = measured.kpi_id
            and kpi_grid.grain = measured.grain
            and kpi_grid.period_start = measured.period_start
            and kpi_grid.dimension = measured.dimension
            and kpi_grid.dimension_value = measured.dimension_value

)

select * from final
