{#- Signup-day cohorts: one row per non-test customer with whether they were
    active (any web event or placed order, int_user_days_aggregated) exactly 1, 7
    and 30 days after the day they signed up. A flag is NULL while that day is
    not complete in the data (after int_data_coverage_computed.last_complete_date)
    and also when it falls before the first day with any recorded activity
    (int_data_coverage_computed.first_activity_date):
    activity before the data starts is unknown, not absent. -#}
with

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

customer_days as (

    select
        customer_id,
        activity_date
    from user_days
    where customer_id is not null

),

cohort_members as (

    select
        customers.customer_id,
        customers.signup_date,
        cast({{ dbt.dateadd('day', 1, 'customers.signup_date') }} as date) as day_1_date,
        cast({{ dbt.dateadd('day', 7, 'customers.signup_date') }} as date) as day_7_date,
        cast({{ dbt.dateadd('day', 30, 'customers.signup_date') }} as date) as day_30_date
    from customers
    where
        not customers.is_test
        and customers.signup_date is not null

),

flagged as (

    select
        cohort_members.customer_id,
        cohort_members.signup_date,
        cohort_members.day_1_date,
        cohort_members.day_7_date,
        cohort_members.day_30_date,
        coverage.last_complete_date,
        coverage.first_activity_date,
        max(case when customer_days.activity_date = cohort_members.day_1_date then 1 else 0 end) = 1
            as was_active_d1,
        max(case when customer_days.activity_date = cohort_members.day_7_date then 1 else 0 end) = 1
            as was_active_d7,
        max(case when customer_days.activity_date = cohort_members.day_30_date then 1 else 0 end) = 1
            as was_active_d30
    from cohort_members
    cross join coverage
    left join customer_days
        on
            cohort_members.customer_id = customer_days.customer_id
            and customer_days.activity_date in (
                cohort_members.day_1_date, cohort_members.day_7_date, cohort_members.day_30_date
            )
    group by
        cohort_members.customer_id,
        cohort_members.signup_date,
        cohort_members.day_1_date,
        cohort_members.day_7_date,
        cohort_members.day_30_date,
        coverage.last_complete_date,
        coverage.first_activity_date

),

final as (

    select
        customer_id,
        signup_date,
        case
            when day_1_date <= last_complete_date and day_1_date >= first_activity_date then was_active_d1
        end as is_active_d1,
        case
            when day_7_date <= last_complete_date and day_7_date >= first_activity_date then was_active_d7
        end as is_active_d7,
        case
            when day_30_date <= last_complete_date and day_30_date >= first_activity_date then was_active_d30
        end as is_active_d30
    from flagged

)

select * from final
