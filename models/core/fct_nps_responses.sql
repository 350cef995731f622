{#- NPS survey responses, except those of test customers. Each response carries
    its NPS points (+100 promoter, 0 passive, -100 detractor) so that the plain
    mean of nps_points over any set of responses is that set's NPS. -#}
with

responses as (

    select * from {{ ref('stg_survey__nps_responses') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

non_test_responses as (

    select responses.*
    from responses
    left join customers
        on responses.customer_id = customers.customer_id
    where not coalesce(customers.is_test, false)

),

final as (

    select
        -- ids
        nps_response_id,
        customer_id,

        -- timestamps (UTC) and dates (reporting time zone)
        responded_at,
        responded_date,

        -- score and class
        score,
        nps_category,
        score >= 9 as is_promoter,
        score between 7 and 8 as is_passive,
        score <= 6 as is_detractor,
        case
            when score >= 9 then 100
            when score >= 7 then 0
            else -100
        end as nps_points

    from non_test_responses

)

select * from final
