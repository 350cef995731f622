{#- KPI components of first-order-month cohorts, dated by the cohort month's
    first day: customer_retention_m1 / _m3 / _m12 (cohort customers with a
    valid order in the month 1, 3, 12 months after the cohort month / cohort
    customers) and ltv_12m / ltv_12m_margin (net revenue / gross margin of the
    cohort's valid orders in the 365 days from each customer's first valid
    order, day 0 to day 364 / cohort customers). A cohort's retention at an
    offset is incomplete until that month is complete; its LTV until day 364
    after the cohort month's last day is complete. -#}
{%- set ltv_window_days = 365 -%}
{%- set ltv_window_end = dbt.dateadd('day', ltv_window_days - 2, dbt.dateadd('month', 1, 'aggregated.date_day')) -%}
{%- set cohort_measures = [
    'cohort_customers', 'retained_m1', 'retained_m3', 'retained_m12', 'ltv_net_revenue', 'ltv_gross_margin',
] -%}
{%- set cohort_kpis = [
    {'kpi_id': 'customer_retention_m1', 'numerator': 'retained_m1',
     'denominator': 'cohort_customers', 'is_complete': 'is_m1_complete'},
    {'kpi_id': 'customer_retention_m3', 'numerator': 'retained_m3',
     'denominator': 'cohort_customers', 'is_complete': 'is_m3_complete'},
    {'kpi_id': 'customer_retention_m12', 'numerator': 'retained_m12',
     'denominator': 'cohort_customers', 'is_complete': 'is_m12_complete'},
    {'kpi_id': 'ltv_12m', 'numerator': 'ltv_net_revenue',
     'denominator': 'cohort_customers', 'is_complete': 'is_ltv_complete'},
    {'kpi_id': 'ltv_12m_margin', 'numerator': 'ltv_gross_margin',
     'denominator': 'cohort_customers', 'is_complete': 'is_ltv_complete'},
] -%}
{%- set breakdowns = kpi_catalog_breakdowns(cohort_kpis | map(attribute='kpi_id') | list) -%}
{%- set customer_dimensions = kpi_dimensions(
    breakdowns, ['acquisition_channel_group', 'country_code', 'customer_gender']
) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

customer_months as (

    select * from {{ ref('int_customer_months_cohorted') }}

),

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

cohort_retention as (

    -- one row per cohort customer: retained (1/0) at each offset
    select
        customer_id,
        cohort_month,
        max(case when months_since_first_order = 1 and is_retained then 1 else 0 end) as retained_m1,
        max(case when months_since_first_order = 3 and is_retained then 1 else 0 end) as retained_m3,
        max(case when months_since_first_order = 12 and is_retained then 1 else 0 end) as retained_m12
    from customer_months
    group by customer_id, cohort_month

),

first_year_value as (

    select
        customer_id,
        sum(net_revenue) as ltv_net_revenue,
        sum(gross_margin) as ltv_gross_margin
    from customer_orders
    where is_valid
        and {{ dbt.datediff('first_valid_order_date', 'ordered_date', 'day') }} < {{ ltv_window_days }}
    group by customer_id

),

cohort_units as (

    -- one row per cohort customer, dated by the cohort month
    select
        cohort_retention.cohort_month,

        -- breakdowns
        customers.acquisition_channel_group,
        customers.country_code,
        customers.gender as customer_gender,

        -- measures
        1 as cohort_customers,
        cohort_retention.retained_m1,
        cohort_retention.retained_m3,
        cohort_retention.retained_m12,
        coalesce(first_year_value.ltv_net_revenue, 0) as ltv_net_revenue,
        coalesce(first_year_value.ltv_gross_margin, 0) as ltv_gross_margin

    from cohort_retention
    left join customers
        on cohort_retention.customer_id = customers.customer_id
    left join first_year_value
        on cohort_retention.customer_id = first_year_value.customer_id

),

aggregated as (

    {{ kpi_aggregate_by_dimensions('cohort_units', 'cohort_month', customer_dimensions, cohort_measures) }}

),

aggregated_with_coverage as (

    select
        aggregated.date_day,
        aggregated.dimension,
        aggregated.dimension_value,
        aggregated.cohort_customers,
        aggregated.retained_m1,
        aggregated.retained_m3,
        aggregated.retained_m12,
        aggregated.ltv_net_revenue,
        aggregated.ltv_gross_margin,
        coverage.last_complete_month_start >= {{ dbt.dateadd('month', 1, 'aggregated.date_day') }} as is_m1_complete,
        coverage.last_complete_month_start >= {{ dbt.dateadd('month', 3, 'aggregated.date_day') }} as is_m3_complete,
        coverage.last_complete_month_start >= {{ dbt.dateadd('month', 12, 'aggregated.date_day') }} as is_m12_complete,
        -- the last cohort customer's window ends on the month's last day + 364 days
        coverage.last_complete_date >= {{ ltv_window_end }} as is_ltv_complete
    from aggregated
    cross join coverage

),

final as (

    {{ kpi_components_final([{'relation': 'aggregated_with_coverage', 'kpis': cohort_kpis}], breakdowns) }}

)

select * from final
