{#- The per-grain (non-additive) KPIs of every model the catalog names
    (macro kpi_models_union) in one shape, with each period checked against
    the data's span: the per-grain models only flag their own windows, so a
    period that is not wholly inside the data is marked incomplete here, like
    the rolled-up ones. -#}
with

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

computed as (

    {{ kpi_models_union('per_grain') }}

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
