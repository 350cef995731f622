{#- The weights of each role and season sum to 1, so that a month's score is on
    the 0-120 scale (achievement capped at 1.2). Returns the role-seasons whose
    weights sum to anything else. -#}
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

final as (

    select
        role,
        season,
        total_weight
    from summed
    where abs(total_weight - 1) > 0.00001

)

select * from final
