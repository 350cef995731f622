with

source as (

    select * from {{ source('survey', 'nps') }}

),

renamed as (

    select
        -- ids
        cast(response_id as {{ dbt.type_string() }}) as nps_response_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,

        -- score and its NPS class (promoter 9-10, passive 7-8, detractor 0-6)
        cast(score as {{ dbt.type_int() }}) as score,
        case
            when score >= 9 then 'promoter'
            when score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,

        -- timestamps (UTC) and dates (reporting time zone)
        responded_at,
        {{ to_reporting_date('responded_at') }} as responded_date

    from source

)

select * from renamed
