{#- One row per customer and calendar month, from the month of the customer's
    first valid order to the last complete month of the data, including the
    months without any order, so retention and cumulative value per customer
    can be read at every month offset. Months after the last complete month are
    left out (an incomplete month would understate retention). -#}
with

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

cohorts as (

    select
        customer_id,
        min(first_valid_order_month) as cohort_month
    from customer_orders
    where first_valid_order_month is not null
    group by customer_id

),

month_offsets as (

    -- offsets 0 .. 1199 months (100 years), far more than any data set spans
    select cast(generated_number - 1 as {{ dbt.type_int() }}) as months_since_first_order
    from ({{ dbt.generate_series(1200) }}) as numbers

),

spine as (

    select
        cohorts.customer_id,
        cohorts.cohort_month,
        month_offsets.months_since_first_order,
        cast(
            {{ dbt.dateadd('month', 'month_offsets.months_since_first_order', 'cohorts.cohort_month') }} as date
        ) as activity_month
    from cohorts
    cross join coverage
    inner join month_offsets
        on month_offsets.months_since_first_order
            <= {{ dbt.datediff('cohorts.cohort_month', 'coverage.last_complete_month_start', 'month') }}

),

monthly_orders as (

    select
        customer_id,
        ordered_month,
        count(*) as valid_orders,
        sum(net_revenue) as net_revenue,
        sum(gross_margin) as gross_margin
    from customer_orders
    where is_valid
    group by customer_id, ordered_month

),

joined as (

    select
        spine.customer_id,
        spine.cohort_month,
        spine.months_since_first_order,
        spine.activity_month,
        coalesce(monthly_orders.valid_orders, 0) as valid_orders,
        coalesce(monthly_orders.net_revenue, 0) as net_revenue,
        coalesce(monthly_orders.gross_margin, 0) as gross_margin
    from spine
    left join monthly_orders
        on spine.customer_id = monthly_orders.customer_id
            and spine.activity_month = monthly_orders.ordered_month

),

final as (

    select
        -- ids
        customer_id,
        cohort_month,
        months_since_first_order,
        activity_month,

        -- the month
        valid_orders,
        net_revenue,
        gross_margin,
        valid_orders > 0 as is_retained,

        -- to date (LTV)
        sum(net_revenue) over (
            partition by customer_id
            order by activity_month
            rows between unbounded preceding and current row
        ) as cumulative_net_revenue,
        sum(gross_margin) over (
            partition by customer_id
            order by activity_month
            rows between unbounded preceding and current row
        ) as cumulative_gross_margin

    from joined

)

select * from final
