{#- Experiment assignments of visitors (anonymous ids), except ids stitched to a
    test customer. Ids never seen logged in stay anonymous (customer_id NULL). -#}
with

assignments as (

    select * from {{ ref('stg_experiment__assignments') }}

),

stitched_ids as (

    select * from {{ ref('int_anonymous_ids_stitched') }}

),

final as (

    select
        -- ids
        assignments.experiment_assignment_id,
        assignments.experiment_id,
        assignments.anonymous_id,
        stitched_ids.customer_id,

        -- assignment
        assignments.variant,
        assignments.is_control,
        assignments.assigned_at,
        assignments.assigned_date

    from assignments
    left join stitched_ids
        on assignments.anonymous_id = stitched_ids.anonymous_id
    where not coalesce(stitched_ids.is_test_customer, false)

)

select * from final
