{#- Daily KPI components of signups, dated by the signup day: new_signups and
    effective_new_customer_rate (signups with a valid order within 72 hours of
    the signup). A signup day's rate is incomplete until its 72-hour window
    (which ends at the latest three days later) is within the complete data. -#}
{%- set effective_window_hours = 72 -%}
{#- the 72 hours after any signup of a day end by the third day after it -#}
{%- set effective_window_days = (effective_window_hours / 24) | round(0, 'ceil') | int -%}
{%- set signup_kpis = [
    {'kpi_id': 'new_signups', 'numerator': 'signups'},
    {'kpi_id': 'effective_new_customer_rate', 'numerator': 'effective_signups',
     'denominator': 'signups', 'is_complete': 'is_window_complete'},
] -%}
{%- set breakdowns = kpi_catalog_breakdowns(signup_kpis | map(attribute='kpi_id') | list) -%}
{%- set customer_dimensions = kpi_dimensions(
    breakdowns, ['acquisition_channel_group', 'country_code', 'customer_gender']
) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

first_valid_orders as (

    select
        customer_id,
        min(ordered_at) as first_valid_ordered_at
    from customer_orders
    where is_valid
    group by customer_id

),

signup_units as (

    -- one row per (non-test) customer account
    select
        customers.signup_date,

        -- breakdowns
        customers.acquisition_channel_group,
        customers.country_code,
        customers.gender as customer_gender,

        -- measures
        1 as signups,
        case
            when first_valid_orders.first_valid_ordered_at
                <= {{ dbt.dateadd('hour', effective_window_hours, 'customers.signup_at') }}
                then 1
            else 0
        end as effective_signups

    from customers
    left join first_valid_orders
        on customers.customer_id = first_valid_orders.customer_id

),

aggregated as (

    {{ kpi_aggregate_by_dimensions('signup_units', 'signup_date', customer_dimensions, ['signups', 'effective_signups']) }}

),

aggregated_with_coverage as (

    select
        aggregated.date_day,
        aggregated.dimension,
        aggregated.dimension_value,
        aggregated.signups,
        aggregated.effective_signups,
        coverage.last_complete_date
        >= {{ dbt.dateadd('day', effective_window_days, 'aggregated.date_day') }} as is_window_complete
    from aggregated
    cross join coverage

),

final as (

    {{ kpi_components_final([{'relation': 'aggregated_with_coverage', 'kpis': signup_kpis}], breakdowns) }}

)

select * from final
