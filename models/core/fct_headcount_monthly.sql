{#- The headcount fact: each team's full-time equivalents per calendar month,
    as the org feed reports them. -#}
with

headcount as (

    select * from {{ ref('stg_org__headcount') }}

),

final as (

    select
        -- ids
        headcount_id,

        -- attributes
        team,

        -- period: the calendar month that starts on this day
        month_start_date,

        -- full-time equivalents
        headcount_fte

    from headcount

)

select * from final
