{#- One row per calendar month, previous-month segment and segment: how many
    buyers moved from one named segment (as of the previous month's end) to
    another (as of this month's end); `none` as the previous segment is a
    first-time buyer. Only pairs that occur are kept. -#}
with

customer_months as (

    select * from {{ ref('int_customer_months_segmented') }}

),

with_previous as (

    select
        current_month.month_start_date,
        current_month.segment,
        coalesce(previous_month.segment, 'none') as previous_segment
    from customer_months as current_month
    left join customer_months as previous_month
        on current_month.customer_id = previous_month.customer_id
            and previous_month.month_start_date
            = cast({{ dbt.dateadd('month', -1, 'current_month.month_start_date') }} as date)

),

transitions as (

    select
        month_start_date,
        previous_segment,
        segment,
        count(*) as customers
    from with_previous
    group by month_start_date, previous_segment, segment

),

final as (

    select
        -- ids
        {{ surrogate_key(['month_start_date', 'previous_segment', 'segment']) }} as segment_transition_id,

        -- period and movement
        month_start_date,
        previous_segment,
        segment,
        previous_segment = segment as is_same_segment,

        -- size
        customers,
        cast(customers as {{ kpi_type_double() }})
        / sum(customers) over (partition by month_start_date, previous_segment) as share_of_previous_segment

    from transitions

)

select * from final
