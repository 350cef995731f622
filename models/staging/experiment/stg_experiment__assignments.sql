with

source as (

    select * from {{ source('experiment', 'assignments') }}

),

renamed as (

    select
        -- ids: the natural key is (experiment_id, anonymous_id)
        {{ surrogate_key(['experiment_id', 'anonymous_id']) }} as experiment_assignment_id,
        cast(experiment_id as {{ dbt.type_string() }}) as experiment_id,
        cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,

        -- variant (the control variant is named `control`)
        lower(trim({{ mask_pii('variant') }})) as variant,
        lower(trim(variant)) = 'control' as is_control,

        -- timestamps (UTC) and dates (reporting time zone)
        assigned_at,
        {{ to_reporting_date('assigned_at') }} as assigned_date

    from source

)

select * from renamed
