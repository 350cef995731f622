-- A role's weights in each season of its scorecard (seed scorecard_weights)
-- sum to 1, so that a score is on the 0-120 scale. Returns the breaking sets.
with

weights as (

    select * from {{ ref('scorecard_weights') }}

)

select
    role,
    season,
    sum(weight) as total_weight
from weights
group by
    role,
    season
having abs(sum(weight) - 1) > 1e-9
