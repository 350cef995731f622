-- experiment_results accounts for every assigned visitor, converter and unit
-- of GMV: per experiment, its variants' visitors add up to the assignments
-- (and the visitor shares to 1), and converters and GMV add up to the
-- visitor-level measurements. Returns the breaking experiments.
with

results as (

    select * from {{ ref('experiment_results') }}

),

assignments as (

    select * from {{ ref('fct_experiment_assignments') }}

),

visitors as (

    select * from {{ ref('int_experiment_visitors_measured') }}

),

result_totals as (

    select
        experiment_id,
        sum(assigned_visitors) as assigned_visitors,
        sum(converted_visitors) as converted_visitors,
        sum(gmv) as gmv,
        sum(actual_share) as actual_share,
        sum(expected_share) as expected_share
    from results
    group by experiment_id

),

assignment_totals as (

    select
        experiment_id,
        count(*) as assigned_visitors
    from assignments
    group by experiment_id

),

visitor_totals as (

    select
        experiment_id,
        sum(case when is_converted then 1 else 0 end) as converted_visitors,
        sum(gmv) as gmv
    from visitors
    group by experiment_id

)

select
    assignment_totals.experiment_id,
    assignment_totals.assigned_visitors as assignments,
    result_totals.assigned_visitors,
    visitor_totals.converted_visitors as measured_converters,
    result_totals.converted_visitors,
    visitor_totals.gmv as measured_gmv,
    result_totals.gmv
from assignment_totals
left join result_totals
    on assignment_totals.experiment_id = result_totals.experiment_id
left join visitor_totals
    on assignment_totals.experiment_id = visitor_totals.experiment_id
where
    result_totals.experiment_id is null
    or result_totals.assigned_visitors <> assignment_totals.assigned_visitors
    or result_totals.converted_visitors <> visitor_totals.converted_visitors
    or abs(result_totals.gmv - visitor_totals.gmv) > 0.005
    or abs(result_totals.actual_share - 1) > 1e-5
    or abs(result_totals.expected_share - 1) > 1e-5
