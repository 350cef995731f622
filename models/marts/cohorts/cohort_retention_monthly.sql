{#- Monthly retention and value to date of first-order-month cohorts, over
    complete months only. A customer counts as retained in a month with at
    least one valid order; cumulative net revenue includes the months in
    between, so a customer who skips a month still carries their value. -#}
with

customer_months as (

    select * from {{ ref('int_customer_months_cohorted') }}

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
        cohort_month,
        months_since_first_order,
        cohort_size,
        retained_customers,
        cast(retained_customers as {{ kpi_type_double() }}) / cohort_size as retention_rate,
        cumulative_net_revenue,
        cast(cumulative_net_revenue / cohort_size as {{ dbt.type_numeric() }}) as ltv_to_date
    from aggregated

)

select * from final
