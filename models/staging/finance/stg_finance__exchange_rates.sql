with

source as (

    select * from {{ source('finance', 'exchange_rates') }}

),

renamed as (

    select
        -- ids: the natural key is (rate_date, currency)
        {{ surrogate_key(['rate_date', 'currency']) }} as exchange_rate_id,
        upper(trim(currency)) as currency,

        -- rate: one unit of `currency` in the reporting currency
        rate_date,
        -- kept at the loader's 10-decimal precision
        rate_to_reporting,

        -- validity: a rate holds from its date until the next rate of the same
        -- currency (exclusive), so "the latest rate on or before a day" is the one
        -- interval that contains the day
        rate_date as valid_from,
        coalesce(
            lead(rate_date) over (partition by upper(trim(currency)) order by rate_date),
            cast('9999-12-31' as date)
        ) as valid_to

    from source

)

select * from renamed
