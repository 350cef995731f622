{#- The calendar in the reporting time zone: every day of every year the data
    touches (whole years, so year-over-year comparisons find their days; and
    the year the GMV forecast horizon reaches, so its days and targets exist), with
    ISO weeks (Monday first), months, quarters and the promotion peaks of the
    promotions_calendar seed. -#}
with

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

promotions as (

    select * from {{ ref('promotions_calendar') }}

),

bounds as (

    select
        cast({{ dbt.date_trunc('year', 'data_start_date') }} as date) as first_day,
        -- through the year of the forecast horizon's end, so that forecasts and
        -- targets just past the data find their days
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year',
                dbt.dateadd('day', setting_value('forecast_horizon_days') + 31, 'data_end_date')))) }} as date
        ) as last_day
    from coverage

),

day_numbers as (

    -- up to 100 years of days
    select generated_number - 1 as day_number
    from ({{ dbt.generate_series(36525) }}) as numbers

),

spine as (

    select cast({{ dbt.dateadd('day', 'day_numbers.day_number', 'bounds.first_day') }} as date) as date_day
    from bounds
    inner join day_numbers
        on day_numbers.day_number <= {{ dbt.datediff('bounds.first_day', 'bounds.last_day', 'day') }}

),

promotion_days as (

    -- one promotion per day even if two windows overlap (the first by name)
    select
        spine.date_day,
        min(promotions.promotion_name) as promotion_name
    from spine
    inner join promotions
        on spine.date_day >= promotions.start_date
            and spine.date_day <= promotions.end_date
    group by spine.date_day

),

attributes as (

    select
        spine.date_day,
        -- ISO 8601: weeks start on Monday; isodow / week / isoyear are ISO in
        -- DuckDB, PostgreSQL and Snowflake alike (Spark names them otherwise: iso_date_part)
        cast({{ iso_date_part('isodow', 'spine.date_day') }} as {{ dbt.type_int() }}) as iso_day_of_week,
        cast({{ iso_date_part('week', 'spine.date_day') }} as {{ dbt.type_int() }}) as iso_week_number,
        cast({{ iso_date_part('isoyear', 'spine.date_day') }} as {{ dbt.type_int() }}) as iso_year,
        cast({{ dbt.date_trunc('week', 'spine.date_day') }} as date) as iso_week_start_date,
        cast({{ dbt.date_trunc('month', 'spine.date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('quarter', 'spine.date_day') }} as date) as quarter_start_date,
        cast({{ dbt.date_trunc('year', 'spine.date_day') }} as date) as year_start_date,
        cast(extract(year from spine.date_day) as {{ dbt.type_int() }}) as year_number,
        cast(extract(quarter from spine.date_day) as {{ dbt.type_int() }}) as quarter_number,
        cast(extract(month from spine.date_day) as {{ dbt.type_int() }}) as month_number,
        cast(extract(day from spine.date_day) as {{ dbt.type_int() }}) as day_of_month,
        promotion_days.promotion_name
    from spine
    left join promotion_days
        on spine.date_day = promotion_days.date_day

),

final as (

    select
        date_day,

        -- ISO week
        iso_week_start_date,
        iso_week_number,
        iso_year,

        -- calendar periods
        month_start_date,
        quarter_start_date,
        year_start_date,
        year_number,
        quarter_number,
        month_number,
        day_of_month,

        -- weekday and season
        iso_day_of_week,
        promotion_name,
        case iso_day_of_week
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            when 7 then 'Sunday'
        end as day_name,
        iso_day_of_week >= 6 as is_weekend,
        promotion_name is not null as is_peak_season

    from attributes

)

select * from final
