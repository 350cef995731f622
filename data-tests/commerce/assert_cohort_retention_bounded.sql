{#- Offset 0 of every cohort retains its whole cohort (its customers are in it
    because they ordered that month), no month retains more customers than the
    cohort has, the cohort size is the same at every offset, and cumulative
    revenue never falls below the offset-0 value minus nothing (it is a running
    total of non-negative net revenue). Returns the offending rows. -#}
with

retention as (

    select * from {{ ref('cohort_retention_monthly') }}

),

checked as (

    select
        cohort_month,
        months_since_first_order,
        cohort_size,
        retained_customers,
        retention_rate,
        cumulative_net_revenue,
        min(cohort_size) over (partition by cohort_month) as min_cohort_size,
        max(cohort_size) over (partition by cohort_month) as max_cohort_size,
        lag(cumulative_net_revenue) over (
            partition by cohort_month order by months_since_first_order
        ) as previous_cumulative_net_revenue
    from retention

)

select * from checked
where (months_since_first_order = 0 and (retained_customers <> cohort_size or retention_rate <> 1))
    or retained_customers > cohort_size
    or min_cohort_size <> max_cohort_size
    or cumulative_net_revenue < previous_cumulative_net_revenue - 0.01
