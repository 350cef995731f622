with

source as (

    select * from {{ source('web', 'events') }}

),

renamed as (

    select
        -- ids
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(session_id as {{ dbt.type_string() }}) as session_id,
        cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,

        -- what happened (names outside the known set are kept as they came, lower-cased
        -- and masked; a known name as it came holds no free text, so it skips the masking)
        case
            when event_name in (
                    'page_view', 'product_view', 'search', 'add_to_cart', 'remove_from_cart',
                    'begin_checkout', 'purchase', 'sign_up', 'login'
                ) then event_name
            else lower(trim({{ mask_pii('event_name') }}))
        end as event_name,
        {{ normalise_enum(
            'page_type',
            ['home', 'category', 'product', 'search', 'cart', 'checkout', 'confirmation', 'content', 'other'],
            missing='unknown'
        ) }} as page_type,
        {{ mask_pii('page_url') }} as page_url,

        -- traffic source
        nullif(trim({{ mask_pii('referrer') }}), '') as referrer,
        nullif(lower(trim({{ mask_pii('utm_source') }})), '') as utm_source,
        nullif(lower(trim({{ mask_pii('utm_medium') }})), '') as utm_medium,
        nullif(trim({{ mask_pii('utm_campaign') }}), '') as utm_campaign,
        nullif(trim({{ mask_pii('utm_content') }}), '') as utm_content,

        -- context
        {{ normalise_enum('device_type', ['desktop', 'mobile', 'tablet', 'app'], missing='unknown') }} as device_type,
        upper(trim(country_code)) as country_code,

        -- engagement
        cast(dwell_ms as {{ dbt.type_bigint() }}) as dwell_ms,
        cast(page_load_ms as {{ dbt.type_bigint() }}) as page_load_ms,

        -- timestamps (UTC) and dates (reporting time zone)
        event_at,
        {{ to_reporting_date('event_at') }} as event_date

    from source

)

select * from renamed
