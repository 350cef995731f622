{#- MetricFlow's daily time spine: every day of the calendar (dim_date, whole
    years in the reporting time zone), so cumulative metrics and metrics
    joined to the spine see days without any activity. -#}
with

calendar as (

    select * from {{ ref('dim_date') }}

),

final as (

    select cast(date_day as date) as date_day
    from calendar

)

select * from final
