{#- dim_date must hold every day of whole years, without gaps or duplicates,
    covering the data's first to last day, and its ISO weeks must start on the
    Monday of the week. Returns a row describing each failure. -#}
with

dates as (

    select * from {{ ref('dim_date') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

span as (

    select
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as day_count,
        count(distinct date_day) as distinct_days
    from dates

),

span_failures as (

    select 'span' as failure
    from span
    cross join coverage
    where span.day_count <> {{ dbt.datediff('span.first_day', 'span.last_day', 'day') }} + 1
        or span.day_count <> span.distinct_days
        or span.first_day > coverage.data_start_date
        or span.last_day < coverage.data_end_date
        or extract(month from span.first_day) <> 1
        or extract(day from span.first_day) <> 1
        or extract(month from span.last_day) <> 12
        or extract(day from span.last_day) <> 31

),

week_failures as (

    select 'iso_week' as failure
    from dates
    where iso_week_start_date > date_day
        or date_day >= {{ dbt.dateadd('day', 7, 'iso_week_start_date') }}
        or {{ dbt.datediff('iso_week_start_date', 'date_day', 'day') }} + 1 <> iso_day_of_week

)

select failure from span_failures
union all
select failure from week_failures
