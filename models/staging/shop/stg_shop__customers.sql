with

source as (

    select * from {{ source('shop', 'customers') }}

),

masked as (

    -- the free-text channel is masked once, then kept and normalised
    select
        source.*,
        {{ mask_pii('source.acquisition_channel') }} as acquisition_channel_masked
    from source

),

renamed as (

    select
        -- ids
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,

        -- personal data: only the hash leaves staging
        cast(email_hash as {{ dbt.type_string() }}) as email_hash,

        -- attributes
        upper(trim(country_code)) as country_code,
        {{ mask_pii('region') }} as region,
        {{ mask_pii('city') }} as city,
        coalesce(upper(trim(gender)), 'U') as gender,
        cast(birth_year as {{ dbt.type_int() }}) as birth_year,
        acquisition_channel_masked as acquisition_channel,
        lower(trim(acquisition_channel_masked)) as acquisition_channel_normalised,

        -- flags
        coalesce(is_test, false) as is_test,

        -- timestamps (UTC) and dates (reporting time zone)
        signup_at,
        {{ to_reporting_date('signup_at') }} as signup_date,
        updated_at

    from masked

)

select * from renamed
