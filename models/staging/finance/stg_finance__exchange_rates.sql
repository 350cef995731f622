{#- Rates into the reporting currency with their validity intervals. The raw
    rates are quoted in var exchange_rates_quote_currency (null: the reporting
    currency). When that is another currency, each rate is triangulated through
    the reporting currency's own rate on the same day: rate(c -> reporting) =
    rate(c -> quote) / rate(reporting -> quote), each the latest on or before
    the day, so a combined rate holds where both rates' intervals overlap; the
    quote currency itself converts at 1 / rate(reporting -> quote). The
    reporting currency's own rows are kept at 1 (reporting_rate gives it 1
    even without a row). -#}
{%- set reporting = setting_value('reporting_currency') -%}
{%- set quote = setting_value('exchange_rates_quote_currency') or reporting -%}
{%- set rate_type = 'decimal(18, 10)' -%}
with

source as (

    select * from {{ source('finance', 'exchange_rates') }}

),

quoted as (

    -- one unit of `currency` in the quote currency, with the interval
    -- [valid_from, valid_to) in which it is the latest rate: from its date
    -- until the next rate of the same currency (exclusive)
    select
        rate_date,
        rate_to_reporting as rate_to_quote,
        rate_date as valid_from,
        upper(trim(currency)) as currency,
        coalesce(
            lead(rate_date) over (partition by upper(trim(currency)) order by rate_date),
            cast('9999-12-31' as date)
        ) as valid_to
    from source

),

reporting_rates as (

    -- the reporting currency's own value in the quote currency; when the rates
    -- are quoted in the reporting currency, 1 on every day
    select
        valid_from,
        valid_to,
        rate_to_quote
    from quoted
    where currency = {{ setting('reporting_currency') }} and {{ sql_literal(quote != reporting) }}

    union all

    select
        cast('1900-01-01' as date) as valid_from,
        cast('9999-12-31' as date) as valid_to,
        cast(1 as {{ rate_type }}) as rate_to_quote
    from (select 1 as whole_time) as whole_time
    where {{ sql_literal(quote == reporting) }}

),

converted as (

    -- every other currency, where its interval overlaps one of the reporting currency's
    select
        quoted.currency,
        greatest(quoted.valid_from, reporting_rates.valid_from) as valid_from,
        least(quoted.valid_to, reporting_rates.valid_to) as valid_to,
        quoted.rate_to_quote,
        quoted.rate_to_quote / reporting_rates.rate_to_quote as rate_to_reporting
    from quoted
    inner join reporting_rates
        on
            quoted.valid_from < reporting_rates.valid_to
            and quoted.valid_to > reporting_rates.valid_from
    where quoted.currency not in ({{ setting('reporting_currency') }}, {{ sql_literal(quote) }})

    union all

    -- the quote currency, when it is not the reporting currency: one unit is
    -- worth 1 / rate(reporting -> quote)
    select
        {{ sql_literal(quote) }} as currency,
        valid_from,
        valid_to,
        cast(1 as {{ rate_type }}) as rate_to_quote,
        1 / rate_to_quote as rate_to_reporting
    from reporting_rates
    where {{ sql_literal(quote != reporting) }}

    union all

    -- the reporting currency's own rows: 1 in itself (its raw rate is its
    -- value in the quote currency)
    select
        currency,
        valid_from,
        valid_to,
        rate_to_quote,
        cast(1 as {{ rate_type }}) as rate_to_reporting
    from quoted
    where currency = {{ setting('reporting_currency') }}

),

final as (

    select
        -- ids: the natural key is (rate_date, currency)
        {{ surrogate_key(['valid_from', 'currency']) }} as exchange_rate_id,
        currency,

        -- rate: one unit of `currency` in the quote currency and in the
        -- reporting currency, kept at the loader's 10-decimal precision
        valid_from as rate_date,
        {{ sql_literal(quote) }} as quote_currency,
        cast(rate_to_quote as {{ rate_type }}) as rate_to_quote,
        cast(rate_to_reporting as {{ rate_type }}) as rate_to_reporting,

        -- validity: the latest rate on or before a day is the one interval
        -- that contains the day
        valid_from,
        valid_to

    from converted

)

select * from final
