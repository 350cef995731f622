{#- Generic test: no row of the model belongs to a test account (shop_customers.is_test),
    which every fact and mart leaves out. Returns one row per test customer found, with
    how many rows name them. A customer missing from the customer export is not a test
    account: such rows meet the contract and pass (marts.data_references counts them). -#}
{% test not_a_test_customer(model, column_name) %}
    with

    model_rows as (

        -- the model may come as a subquery (a daily run's rebuilt rows): no alias of our own
        select {{ column_name }} as customer_id from {{ model }}

    ),

    test_customers as (

        select customer_id from {{ ref('stg_shop__customers') }}
        where is_test

    )

    select
        model_rows.customer_id,
        count(*) as failing_rows
    from model_rows
    inner join test_customers
        on model_rows.customer_id = test_customers.customer_id
    group by model_rows.customer_id
{% endtest %}
