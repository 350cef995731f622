{#- Signup-day retention: of the customers who signed up on a day, how many were
    active (any web event or placed order) exactly 1, 7 and 30 days later.
    Counts and rates are NULL until that day is over in the data (or when it
    lies before the data's first day of activity). -#}
with

customers as (

    select * from {{ ref('int_customers_retention_flagged') }}

),

cohorts as (

    select
        signup_date,
        count(*) as cohort_size,
        -- every member of a cohort shares the same offset days, so a flag is
        -- either known for all of them or for none: count only known cohorts
        case
            when count(is_active_d1) = count(*) then count(case when is_active_d1 then 1 end)
        end as retained_d1,
        case
            when count(is_active_d7) = count(*) then count(case when is_active_d7 then 1 end)
        end as retained_d7,
        case
            when count(is_active_d30) = count(*) then count(case when is_active_d30 then 1 end)
        end as retained_d30
    from customers
    group by signup_date

),

final as (

    select
        signup_date,
        cohort_size,
        retained_d1,
        retained_d7,
        retained_d30,
        cast(retained_d1 as {{ kpi_type_double() }}) / nullif(cohort_size, 0) as retention_d1,
        cast(retained_d7 as {{ kpi_type_double() }}) / nullif(cohort_size, 0) as retention_d7,
        cast(retained_d30 as {{ kpi_type_double() }}) / nullif(cohort_size, 0) as retention_d30
    from cohorts

)

select * from final
