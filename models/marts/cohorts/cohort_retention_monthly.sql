{#- Monthly retention and value to date of first-order-month cohorts, over
    complete months only. A customer counts as retained in a month with at
    least one valid order; cumulative net revenue includes the months in
    between, so a customer who skips a month still carries their value. -#}
with

customer_months as (

    select * from {{ ref('int_customer_months_cohorted') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

aggregated as (

    -- every cohort customer has a row at every offset, so count(*) is the cohort size
    select
        cohort_month,
        months_since_first_order,
        count(*) as cohort_size,
        count(case when is_retained then 1 end) as retained_customers,
        sum(cumulative_net_revenue) as cumulative_net_revenue
    from customer_months
    group by cohort_month, months_since_first_order

),

final as (

    select
        aggregated.cohort_month,
        aggregated.months_since_first_order,
        aggregated.cohort_size,
        aggregated.retained_customers,
        cast(retained_customers as {{ kpi_type_double() }}) / cohort_size as retention_rate,
        cumulative_net_revenue,
        cast(cumulative_net_revenue / cohort_size as {{ dbt.type_numeric() }}) as ltv_to_date,
        aggregated.cohort_month >= coverage.history_complete_from as is_history_complete
    from aggregated
    cross join coverage

)

select * from final
