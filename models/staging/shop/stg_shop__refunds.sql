with

source as (

    select * from {{ source('shop', 'refunds') }}

),

renamed as (

    select
        -- ids
        cast(refund_id as {{ dbt.type_string() }}) as refund_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(order_item_id as {{ dbt.type_string() }}) as order_item_id,

        -- attributes
        cast(quantity as {{ dbt.type_int() }}) as quantity,
        {{ normalise_enum(
            'reason',
            ['damaged', 'wrong_size', 'not_as_described', 'changed_mind', 'late_delivery', 'other'],
            missing='other'
        ) }} as reason,

        -- money, in the order's currency (refunds carry no currency of their own;
        -- marts convert them at the order day's rate, since refunds are dated by the order)
        cast(amount as {{ dbt.type_numeric() }}) as amount_local,

        -- flags
        refunded_at is not null as is_completed,
        order_item_id is null as is_whole_order,

        -- timestamps (UTC) and dates (reporting time zone)
        requested_at,
        {{ to_reporting_date('requested_at') }} as requested_date,
        refunded_at,
        {{ to_reporting_date('refunded_at') }} as refunded_date

    from source

)

select * from renamed
