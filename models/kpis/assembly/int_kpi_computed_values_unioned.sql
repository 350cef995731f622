{#- The per-grain (non-additive) KPIs of every area in one shape, with each
    period checked against the data's span: the per-grain models only flag
    their own windows, so a period that is not wholly inside the data is marked
    incomplete here, like the rolled-up ones. -#}
with

customer_computed as (

    select * from {{ ref('int_customer_kpis_computed') }}

),

user_activity_computed as (

    select * from {{ ref('int_user_activity_kpis_computed') }}

),

page_load_computed as (

    select * from {{ ref('int_page_load_kpis_computed') }}

),

support_computed as (

    select * from {{ ref('int_support_kpis_computed') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

computed as (

    {%- for relation in ['customer_computed', 'user_activity_computed', 'page_load_computed', 'support_computed'] %}
        select
            kpi_id,
            grain,
            period_start,
            {{ kpi_period_end('grain', 'period_start') }} as period_end,
            dimension,
            dimension_value,
            numerator,
            denominator,
            value,
            is_complete
        from {{ relation }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        computed.kpi_id,
        computed.grain,
        computed.period_start,
        computed.period_end,
        computed.dimension,
        computed.dimension_value,
        computed.numerator,
        computed.denominator,
        computed.value,
        computed.is_complete
        and computed.period_start >= coverage.first_activity_date
        and computed.period_end <= coverage.last_complete_date as is_complete
    from computed
    cross join coverage
    where
        computed.period_end >= coverage.first_activity_date
        and computed.period_start <= coverage.data_end_date

)

select * from final
