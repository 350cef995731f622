with

source as (

    select * from {{ source('shop', 'reviews') }}

),

renamed as (

    select
        -- ids
        cast(review_id as {{ dbt.type_string() }}) as review_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,

        -- rating
        cast(rating as {{ dbt.type_int() }}) as rating,
        rating <= 2 as is_negative,

        -- timestamps (UTC) and dates (reporting time zone)
        created_at,
        {{ to_reporting_date('created_at') }} as created_date,
        responded_at,
        resolved_at

    from source

)

select * from renamed
