{#- Where the exchange-rate feed has holes: per currency, the periods in which the
    latest known rate is more than three days old (amounts in those days are
    converted at a stale rate). Compile with `dbt compile -s exchange_rate_gaps`
    and run the SQL in target/compiled. -#}
with

exchange_rates as (

    select * from {{ ref('stg_finance__exchange_rates') }}

),

gaps as (

    select
        currency,
        valid_from as last_rate_date,
        valid_to as next_rate_date,
        {{ dbt.datediff('valid_from', 'valid_to', 'day') }} as days_without_new_rate
    from exchange_rates
    where valid_to < cast('9999-12-31' as date)

),

final as (

    select
        currency,
        last_rate_date,
        next_rate_date,
        days_without_new_rate
    from gaps
    where days_without_new_rate > 3

)

select * from final
order by currency, last_rate_date
