{#- Every KPI value at every grain, before targets: the rolled-up additive and
    ratio KPIs, the derived ones and the per-grain (non-additive) ones, in one
    shape. The per-grain models only flag their own windows, so their periods
    are checked here against the data's span like the rolled-up ones: a period
    that is not wholly inside the data keeps its row with NULL numbers. -#}
with

rolled_up as (

    select * from {{ ref('int_kpi_values_rolled_up') }}

),

derived as (

    select * from {{ ref('int_kpi_values_derived') }}

),

customer_computed as (

    select * from {{ ref('int_customer_kpis_computed') }}

),

user_activity_computed as (

    select * from {{ ref('int_user_activity_kpis_computed') }}

),

support_computed as (

    select * from {{ ref('int_support_kpis_computed') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

computed as (

    {%- for relation in ['customer_computed', 'user_activity_computed', 'support_computed'] %}
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

computed_checked as (

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

),

final as (

    {%- for relation in ['rolled_up', 'derived', 'computed_checked'] %}
    select
        kpi_id,
        grain,
        period_start,
        period_end,
        dimension,
        dimension_value,
        case when is_complete then numerator end as numerator,
        case when is_complete then denominator end as denominator,
        case when is_complete then value end as value,
        is_complete
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
