{#- One row per buyer and calendar month, from the month of the customer's
    first valid order through the month of the last complete day: the
    customer's RFM as of the month's end (or the last complete day, for the
    month that is not over), its quintile scores among all buyers as of that
    day, the named segment and the value tier (docs block
    customer_segments_method). Only valid orders placed up to the as-of day
    count; net revenue as known today (refunds dated by the order). -#}
with

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

valid_orders as (

    select
        customer_orders.customer_id,
        customer_orders.ordered_date,
        customer_orders.ordered_month,
        customer_orders.net_revenue
    from customer_orders
    cross join coverage
    where customer_orders.is_valid
        and customer_orders.ordered_date <= coverage.last_complete_date

),

monthly_orders as (

    select
        customer_id,
        ordered_month,
        count(*) as month_valid_orders,
        sum(net_revenue) as month_net_revenue,
        max(ordered_date) as month_last_order_date
    from valid_orders
    group by customer_id, ordered_month

),

first_months as (

    select
        customer_id,
        min(ordered_month) as first_order_month
    from monthly_orders
    group by customer_id

),

month_offsets as (

    -- offsets 0 .. 1199 months (100 years), far more than any data set spans
    select cast(generated_number - 1 as {{ dbt.type_int() }}) as month_offset
    from ({{ dbt.generate_series(1200) }}) as numbers

),

spine as (

    select
        first_months.customer_id,
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', 'first_months.first_order_month') }} as date)
            as month_start_date,
        coverage.last_complete_date
    from first_months
    cross join coverage
    inner join month_offsets
        on month_offsets.month_offset
            <= {{ dbt.datediff(
                'first_months.first_order_month',
                dbt.date_trunc('month', 'coverage.last_complete_date'),
                'month'
            ) }}

),

cumulated as (

    select
        spine.customer_id,
        spine.month_start_date,
        spine.last_complete_date,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'spine.month_start_date')) }} as date
        ) as month_end_date,
        coalesce(monthly_orders.month_valid_orders, 0) as month_valid_orders,
        coalesce(monthly_orders.month_net_revenue, 0) as month_net_revenue,
        cast(sum(coalesce(monthly_orders.month_valid_orders, 0)) over (
            partition by spine.customer_id
            order by spine.month_start_date
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as frequency,
        sum(coalesce(monthly_orders.month_net_revenue, 0)) over (
            partition by spine.customer_id
            order by spine.month_start_date
            rows between unbounded preceding and current row
        ) as monetary,
        max(monthly_orders.month_last_order_date) over (
            partition by spine.customer_id
            order by spine.month_start_date
            rows between unbounded preceding and current row
        ) as last_order_date
    from spine
    left join monthly_orders
        on spine.customer_id = monthly_orders.customer_id
            and spine.month_start_date = monthly_orders.ordered_month

),

dated as (

    select
        customer_id,
        month_start_date,
        month_end_date,
        least(month_end_date, last_complete_date) as as_of_date,
        month_end_date <= last_complete_date as is_month_complete,
        month_valid_orders,
        month_net_revenue,
        frequency,
        monetary,
        last_order_date,
        {{ dbt.datediff('last_order_date', 'least(month_end_date, last_complete_date)', 'day') }} as recency_days
    from cumulated

),

scored as (

    -- quintiles by rank among the month's buyers; tied values share a score
    select
        dated.*,
        {{ quintile_score('dated.recency_days desc', 'dated.month_start_date') }} as recency_score,
        {{ quintile_score('dated.frequency', 'dated.month_start_date') }} as frequency_score,
        {{ quintile_score('dated.monetary', 'dated.month_start_date') }} as monetary_score
    from dated

),

final as (

    select
        -- ids
        {{ surrogate_key(['customer_id', 'month_start_date']) }} as customer_month_id,
        customer_id,

        -- period
        month_start_date,
        month_end_date,
        as_of_date,
        is_month_complete,

        -- the month's own orders
        month_valid_orders,
        month_net_revenue,

        -- RFM as of as_of_date
        last_order_date,
        recency_days,
        frequency,
        monetary,
        recency_score,
        frequency_score,
        monetary_score,
        (frequency_score + monetary_score) / 2.0 as frequency_monetary_score,

        -- named segment: rules on R and the mean of F and M, first match wins
        case
            when recency_score >= 4 and frequency = 1 then 'new'
            when recency_score >= 4 and (frequency_score + monetary_score) >= 8 then 'champions'
            when recency_score >= 3 and (frequency_score + monetary_score) >= 6 then 'loyal'
            when recency_score >= 3 then 'potential_loyalist'
            when (frequency_score + monetary_score) >= 8 then 'cannot_lose'
            when (frequency_score + monetary_score) >= 6 then 'at_risk'
            when recency_score = 2 then 'hibernating'
            else 'lost'
        end as segment,

        -- value tier by monetary quintile
        case
            when monetary_score = 5 then 'high'
            when monetary_score >= 3 then 'mid'
            else 'low'
        end as value_tier

    from scored

)

select * from final
