{#- Daily additive components of the feedback KPIs: one row per KPI, day and
    breakdown. NPS is dated by the response day and cut by the responding
    customer's country; review KPIs are dated by the day the review was written
    (its response and resolution belong to that day) and cut by the reviewed
    product's category. Each KPI has the breakdowns the catalog (seed
    kpi_definitions) lists for it. -#}
{%- set review_kpis = [
    {'kpi_id': 'avg_rating', 'numerator': 'rating_points', 'denominator': 'rated_reviews'},
    {'kpi_id': 'negative_review_rate', 'numerator': 'negative_reviews', 'denominator': 'rated_reviews'},
    {'kpi_id': 'negative_review_resolution_rate', 'numerator': 'resolved_negative_reviews',
        'denominator': 'negative_reviews'},
    {'kpi_id': 'review_response_time_h', 'numerator': 'response_hours', 'denominator': 'responded_reviews'},
] -%}
{%- set review_kpi_ids = review_kpis | map(attribute='kpi_id') | list -%}
{%- set breakdowns = kpi_catalog_breakdowns(review_kpi_ids + ['nps']) -%}
{%- set nps_dimensions = kpi_dimensions(breakdowns, ['country_code'], ['nps']) -%}
{%- set review_dimensions = kpi_dimensions(breakdowns, ['product_category'], review_kpi_ids) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

nps_responses as (

    select * from {{ ref('fct_nps_responses') }}

),

reviews as (

    select * from {{ ref('fct_reviews') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

nps_units as (

    select
        nps_responses.responded_date,
        customers.country_code,
        1 as responses,
        nps_responses.nps_points
    from nps_responses
    left join customers
        on nps_responses.customer_id = customers.customer_id

),

nps_aggregated as (

    {{ kpi_aggregate_by_dimensions('nps_units', 'responded_date', nps_dimensions, ['responses', 'nps_points']) }}

),

review_units as (

    select
        reviews.created_date,
        products.category as product_category,
        case when reviews.rating is not null then 1 else 0 end as rated_reviews,
        coalesce(reviews.rating, 0) as rating_points,
        case when reviews.is_negative then 1 else 0 end as negative_reviews,
        -- is_resolved exists for negative reviews only
        case when reviews.is_resolved then 1 else 0 end as resolved_negative_reviews,
        case when reviews.has_response then 1 else 0 end as responded_reviews,
        case when reviews.has_response then reviews.response_hours else 0 end as response_hours
    from reviews
    left join products
        on reviews.product_id = products.product_id

),

review_aggregated as (

    {{ kpi_aggregate_by_dimensions('review_units', 'created_date', review_dimensions, [
        'rated_reviews',
        'rating_points',
        'negative_reviews',
        'resolved_negative_reviews',
        'responded_reviews',
        'response_hours',
    ]) }}

),

final as (

    {{ kpi_components_final([
        {'relation': 'nps_aggregated', 'kpis': [
            {'kpi_id': 'nps', 'numerator': 'nps_points', 'denominator': 'responses'},
        ]},
        {'relation': 'review_aggregated', 'kpis': review_kpis},
    ], breakdowns) }}

)

select * from final
