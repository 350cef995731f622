{#- Product reviews, except those of test customers (reviews without a known
    customer are kept). Resolution only applies to negative reviews (rating 1-2),
    so is_resolved is NULL for the others and its mean is
    negative_review_resolution_rate. -#}
with

reviews as (

    select * from {{ ref('stg_shop__reviews') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

non_test_reviews as (

    select reviews.*
    from reviews
    left join customers
        on reviews.customer_id = customers.customer_id
    where not coalesce(customers.is_test, false)

),

final as (

    select
        -- ids
        review_id,
        order_id,
        product_id,
        customer_id,

        -- rating
        rating,
        is_negative,

        -- timestamps (UTC) and dates (reporting time zone)
        created_at,
        created_date,
        responded_at,
        {{ to_reporting_date('responded_at') }} as responded_date,
        resolved_at,
        {{ to_reporting_date('resolved_at') }} as resolved_date,

        -- response and resolution
        responded_at is not null as has_response,
        cast({{ dbt.datediff('created_at', 'responded_at', 'second') }} as {{ kpi_type_double() }}) / 3600.0 as response_hours,
        case
            when is_negative then resolved_at is not null
        end as is_resolved

    from non_test_reviews

)

select * from final
