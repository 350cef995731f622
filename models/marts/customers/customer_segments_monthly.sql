{#- One row per calendar month and named segment: buyers in the segment as of
    the month's end (the last complete day for the month that is not over),
    their share of buyers, the month's net revenue of the segment's customers
    and its share, and the movement against the previous month's segments
    (stayed, moved in from another segment, first-time buyers, moved out).
    Every segment appears in every month (zero rows kept). -#}
with

customer_months as (

    select * from {{ ref('int_customer_months_segmented') }}

),

segment_names as (

    {% for segment in ['champions', 'loyal', 'potential_loyalist', 'new', 'at_risk', 'cannot_lose', 'hibernating', 'lost'] -%}
        select '{{ segment }}' as segment
        {%- if not loop.last %}
            union all
        {% endif -%}
    {%- endfor %}

),

months as (

    select distinct
        month_start_date,
        as_of_date,
        is_month_complete
    from customer_months

),

with_previous as (

    select
        current_month.customer_id,
        current_month.month_start_date,
        current_month.segment,
        current_month.month_net_revenue,
        current_month.monetary,
        previous_month.segment as previous_segment
    from customer_months as current_month
    left join customer_months as previous_month
        on current_month.customer_id = previous_month.customer_id
            and previous_month.month_start_date
            = cast({{ dbt.dateadd('month', -1, 'current_month.month_start_date') }} as date)

),

segment_counts as (

    select
        month_start_date,
        segment,
        count(*) as customers,
        sum(month_net_revenue) as month_net_revenue,
        sum(monetary) as lifetime_net_revenue,
        cast(sum(case when previous_segment = segment then 1 else 0 end) as {{ dbt.type_bigint() }}) as customers_stayed,
        cast(sum(case when previous_segment <> segment then 1 else 0 end) as {{ dbt.type_bigint() }}) as customers_moved_in,
        cast(sum(case when previous_segment is null then 1 else 0 end) as {{ dbt.type_bigint() }}) as customers_first_time
    from with_previous
    group by month_start_date, segment

),

segment_outflows as (

    select
        month_start_date,
        previous_segment as segment,
        count(*) as customers_moved_out
    from with_previous
    where previous_segment is not null
        and previous_segment <> segment
    group by month_start_date, previous_segment

),

grid as (

    select
        months.month_start_date,
        months.as_of_date,
        months.is_month_complete,
        segment_names.segment,
        coalesce(segment_counts.customers, 0) as customers,
        coalesce(segment_counts.month_net_revenue, 0) as month_net_revenue,
        coalesce(segment_counts.lifetime_net_revenue, 0) as lifetime_net_revenue,
        coalesce(segment_counts.customers_stayed, 0) as customers_stayed,
        coalesce(segment_counts.customers_moved_in, 0) as customers_moved_in,
        coalesce(segment_counts.customers_first_time, 0) as customers_first_time
    from months
    cross join segment_names
    left join segment_counts
        on months.month_start_date = segment_counts.month_start_date
            and segment_names.segment = segment_counts.segment

),

with_outflows as (

    select
        grid.month_start_date,
        grid.as_of_date,
        grid.is_month_complete,
        grid.segment,
        grid.customers,
        grid.month_net_revenue,
        grid.lifetime_net_revenue,
        grid.customers_stayed,
        grid.customers_moved_in,
        grid.customers_first_time,
        coalesce(segment_outflows.customers_moved_out, 0) as customers_moved_out,
        sum(grid.customers) over (partition by grid.month_start_date) as month_customers,
        sum(grid.month_net_revenue) over (partition by grid.month_start_date) as month_total_net_revenue
    from grid
    left join segment_outflows
        on grid.month_start_date = segment_outflows.month_start_date
            and grid.segment = segment_outflows.segment

),

final as (

    select
        -- ids
        {{ surrogate_key(['month_start_date', 'segment']) }} as segment_month_id,

        -- period and segment
        month_start_date,
        as_of_date,
        is_month_complete,
        segment,

        -- size
        customers,
        cast(customers as {{ kpi_type_double() }}) / nullif(month_customers, 0) as customer_share,

        -- revenue (reporting currency)
        month_net_revenue,
        cast(month_net_revenue as {{ kpi_type_double() }}) / nullif(month_total_net_revenue, 0)
            as month_net_revenue_share,
        lifetime_net_revenue,

        -- movement from the previous month
        customers_stayed + customers_moved_out as previous_month_customers,
        customers_stayed,
        customers_moved_in,
        customers_first_time,
        customers_moved_out

    from with_outflows

)

select * from final
