{#- The weights of each role and season sum to 1, so that a month's score is on
    the 0-120 scale (achievement capped at 1.2), and every role is scored in
    every season (it has 'all' weights, or both 'peak' and 'off_peak' ones).
    Returns the role-seasons whose weights sum to anything else, and the roles
    left without weights for a season (total_weight NULL). -#}
with

weights as (

    select * from {{ ref('scorecard_weights') }}

),

summed as (

    select
        role,
        season,
        sum(weight) as total_weight
    from weights
    group by role, season

),

role_seasons as (

    select
        role,
        sum(case when season = 'all' then 1 else 0 end) as has_all,
        sum(case when season = 'peak' then 1 else 0 end) as has_peak,
        sum(case when season = 'off_peak' then 1 else 0 end) as has_off_peak
    from summed
    group by role

),

final as (

    select
        role,
        season,
        total_weight
    from summed
    where abs(total_weight - 1) > 0.00001
    union all
    select
        role,
        case when has_peak = 0 then 'peak' else 'off_peak' end as season,
        cast(null as {{ kpi_type_double() }}) as total_weight
    from role_seasons
    where has_all = 0 and (has_peak = 0 or has_off_peak = 0)

)

select * from final
