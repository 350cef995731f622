{#- One row per buyer as of the last complete day: RFM, scores, named segment
    and value tier (from int_customer_months_segmented, the month of the last
    complete day), and the churn-risk warning: a buyer not yet churned
    (recency <= churn_days) whose recency passes the threshold - k x their own
    median gap between valid orders (at least churn_risk_min_days) for repeat
    buyers, churn_days x churn_risk_one_time_share for one-time buyers, and
    never later than that share of churn_days, so it is raised before churn. -#}
{%- set churn_days = setting('churn_days') -%}
{%- set lapse_days = churn_days ~ ' * ' ~ setting('churn_risk_one_time_share') -%}
with

customer_months as (

    select * from {{ ref('int_customer_months_segmented') }}

),

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

current_months as (

    select
        customer_months.customer_id,
        customer_months.as_of_date,
        customer_months.last_order_date,
        customer_months.recency_days,
        customer_months.frequency,
        customer_months.monetary,
        customer_months.recency_score,
        customer_months.frequency_score,
        customer_months.monetary_score,
        customer_months.segment,
        customer_months.value_tier
    from customer_months
    inner join coverage
        on customer_months.as_of_date = coverage.last_complete_date

),

order_gaps as (

    select
        customer_orders.customer_id,
        {{ kpi_percentile('customer_orders.days_since_previous_valid_order', 0.5) }} as median_gap_days
    from customer_orders
    cross join coverage
    where customer_orders.is_valid
        and customer_orders.days_since_previous_valid_order is not null
        and customer_orders.ordered_date <= coverage.last_complete_date
    group by customer_orders.customer_id

),

thresholds as (

    select
        current_months.*,
        order_gaps.median_gap_days,
        -- the gap rule's own threshold, before the cap
        greatest(
            {{ setting('churn_risk_gap_multiple') }} * order_gaps.median_gap_days,
            {{ setting('churn_risk_min_days') }}
        ) as gap_threshold_days,
        current_months.recency_days > {{ churn_days }} as is_churned
    from current_months
    left join order_gaps
        on current_months.customer_id = order_gaps.customer_id

),

flagged as (

    select
        thresholds.*,
        case
            when thresholds.frequency = 1 or thresholds.median_gap_days is null then {{ lapse_days }}
            else least(thresholds.gap_threshold_days, {{ lapse_days }})
        end as churn_risk_threshold_days
    from thresholds

),

final as (

    select
        -- ids
        flagged.customer_id,

        -- as of
        flagged.as_of_date,

        -- attributes
        customers.acquisition_channel_group,

        -- RFM
        flagged.last_order_date,
        flagged.recency_days,
        flagged.frequency,
        flagged.monetary,
        flagged.recency_score,
        flagged.frequency_score,
        flagged.monetary_score,
        {{ dbt.concat([
            dbt.safe_cast('flagged.recency_score', dbt.type_string()),
            dbt.safe_cast('flagged.frequency_score', dbt.type_string()),
            dbt.safe_cast('flagged.monetary_score', dbt.type_string()),
        ]) }} as rfm_cell,
        flagged.segment,
        flagged.value_tier,

        -- churn risk
        flagged.median_gap_days,
        flagged.churn_risk_threshold_days,
        flagged.is_churned,
        not flagged.is_churned
        and flagged.recency_days > flagged.churn_risk_threshold_days as is_churn_risk,
        case
            when flagged.is_churned or flagged.recency_days <= flagged.churn_risk_threshold_days then null
            when flagged.frequency = 1 or flagged.median_gap_days is null then 'one_time_buyer_lapsing'
            when flagged.gap_threshold_days <= flagged.churn_risk_threshold_days then 'overdue_vs_own_gap'
            else 'nearing_churn_days'
        end as churn_risk_reason

    from flagged
    left join customers
        on flagged.customer_id = customers.customer_id

)

select * from final
