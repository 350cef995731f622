{#- A user is the customer_id when known, else `anon:` and the anonymous id. The
    two id spaces stay apart only while no customer_id itself starts with
    `anon:`; this fails, listing such customers, if one ever does. -#}
with

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

final as (

    select customer_id
    from customers
    where customer_id like 'anon:%'

)

select * from final
