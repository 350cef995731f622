{#- Active customers per day of the data's span (int_data_coverage_computed
    data_start_date to data_end_date), in total and by each breakdown the
    catalog lists for active_customers: customers with a valid order in the
    365 days ending on the day (day 0 to day -364). A running count over a
    difference array: each valid order day opens a window that closes after
    365 days or at the customer's next order day, whichever comes first, so no
    order is fanned out over its window. -#}
{%- set active_window_days = 365 -%}
{%- set breakdowns = kpi_catalog_breakdowns(['active_customers']) -%}
{%- set dimensions = kpi_dimensions(breakdowns, ['acquisition_channel_group', 'country_code']) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

order_days as (

    select * from {{ ref('int_customer_order_days_sequenced') }}

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

span_days as (

    select calendar.date_day
    from calendar
    inner join coverage
        on calendar.date_day >= coverage.data_start_date
            and calendar.date_day <= coverage.data_end_date

),

customer_dimensions as (

    {{ kpi_dimension_rows('customers', 'customer_id', dimensions) }}

),

dimension_values as (

    select distinct
        dimension,
        dimension_value
    from customer_dimensions

),

active_deltas as (

    -- +1 on an order day, -1 where its window closes
    select
        customer_id,
        ordered_date as delta_date,
        1 as delta
    from order_days

    union all

    select
        customer_id,
        case
            when next_ordered_date < {{ dbt.dateadd('day', active_window_days, 'ordered_date') }}
                then next_ordered_date
            else cast({{ dbt.dateadd('day', active_window_days, 'ordered_date') }} as date)
        end as delta_date,
        -1 as delta
    from order_days

),

dimension_deltas as (

    -- a change before the span counts on its first day (the running count starts there)
    select
        customer_dimensions.dimension,
        customer_dimensions.dimension_value,
        case
            when active_deltas.delta_date < coverage.data_start_date then coverage.data_start_date
            else active_deltas.delta_date
        end as delta_date,
        sum(active_deltas.delta) as delta
    from active_deltas
    cross join coverage
    inner join customer_dimensions
        on active_deltas.customer_id = customer_dimensions.customer_id
    group by
        customer_dimensions.dimension,
        customer_dimensions.dimension_value,
        case
            when active_deltas.delta_date < coverage.data_start_date then coverage.data_start_date
            else active_deltas.delta_date
        end

),

final as (

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

)

select * from final
