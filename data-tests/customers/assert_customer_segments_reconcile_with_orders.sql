-- The segment tables account for every buyer and every unit of net revenue:
-- per month, customer_segments_monthly's customers equal the buyers with a
-- valid order up to the month's as-of day and its month_net_revenue equals
-- the net revenue of the month's valid orders of registered customers; the
-- transition matrix has the same customers per month and segment; and
-- customer_segments has one row per buyer of the last month. Returns the
-- breaking months (or 'customer_segments' as the month key's stand-in).
with

segments_monthly as (

    select * from {{ ref('customer_segments_monthly') }}

),

transitions as (

    select * from {{ ref('customer_segment_transitions_monthly') }}

),

segments as (

    select * from {{ ref('customer_segments') }}

),

customer_orders as (

    select * from {{ ref('int_customer_orders_sequenced') }}

),

monthly_totals as (

    select
        month_start_date,
        max(as_of_date) as as_of_date,
        sum(customers) as customers,
        sum(month_net_revenue) as month_net_revenue
    from segments_monthly
    group by month_start_date

),

expected as (

    select
        monthly_totals.month_start_date,
        count(distinct customer_orders.customer_id) as buyers,
        sum(
            case
                when customer_orders.ordered_month = monthly_totals.month_start_date
                    then customer_orders.net_revenue
                else 0
            end
        ) as month_net_revenue
    from monthly_totals
    inner join customer_orders
        on monthly_totals.as_of_date >= customer_orders.ordered_date
    where customer_orders.is_valid
    group by monthly_totals.month_start_date

),

transition_totals as (

    select
        month_start_date,
        segment,
        sum(customers) as customers
    from transitions
    group by month_start_date, segment

),

transition_breaks as (

    select segments_monthly.month_start_date
    from segments_monthly
    left join transition_totals
        on segments_monthly.month_start_date = transition_totals.month_start_date
            and segments_monthly.segment = transition_totals.segment
    where segments_monthly.customers <> coalesce(transition_totals.customers, 0)

),

current_buyers as (

    select count(*) as buyers
    from segments

)

select monthly_totals.month_start_date
from monthly_totals
left join expected
    on monthly_totals.month_start_date = expected.month_start_date
where
    monthly_totals.customers <> coalesce(expected.buyers, 0)
    or abs(monthly_totals.month_net_revenue - coalesce(expected.month_net_revenue, 0)) > 0.005

union all

select month_start_date
from transition_breaks

union all

select monthly_totals.month_start_date
from monthly_totals
cross join current_buyers
where
    monthly_totals.month_start_date = (select max(latest.month_start_date) from monthly_totals as latest)
    and monthly_totals.customers <> current_buyers.buyers
