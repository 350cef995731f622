{#- Every KPI value at every grain, before targets: the rolled-up additive and
    ratio KPIs, the derived ones and the per-grain (non-additive) ones, in one
    shape; an incomplete period keeps its row with NULL numbers. Two checks of
    what the data can show apply here, to every KPI alike:
    - a KPI whose inputs the data lacks (int_kpi_inputs_checked) is not
      computable: every value NULL, never a zero that looks like a value;
    - a period that starts before the KPI's history is complete (its warm-up
      after the data's first activity day) is incomplete, and so is every
      new-vs-returning (customer_type) breakdown before the customer history is
      complete. Auxiliary series (aux_*) pass through unchanged. -#}
with

rolled_up as (

    select * from {{ ref('int_kpi_values_rolled_up') }}

),

derived as (

    select * from {{ ref('int_kpi_values_derived') }}

),

computed as (

    select * from {{ ref('int_kpi_computed_values_unioned') }}

),

inputs_checked as (

    select * from {{ ref('int_kpi_inputs_checked') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

unioned as (

    {%- for relation in ['rolled_up', 'derived', 'computed'] %}
        select
            kpi_id,
            grain,
            period_start,
            period_end,
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

checked as (

    select
        unioned.kpi_id,
        unioned.grain,
        unioned.period_start,
        unioned.period_end,
        unioned.dimension,
        unioned.dimension_value,
        unioned.numerator,
        unioned.denominator,
        unioned.value,
        coalesce(inputs_checked.is_computable, true) as is_computable,
        unioned.is_complete
        and unioned.period_start >= coalesce(inputs_checked.complete_from, coverage.first_activity_date)
        and (
            unioned.dimension <> 'customer_type'
            or unioned.period_start >= coverage.history_complete_from
        ) as is_complete
    from unioned
    cross join coverage
    left join inputs_checked
        on unioned.kpi_id = inputs_checked.kpi_id

),

final as (

    select
        kpi_id,
        grain,
        period_start,
        period_end,
        dimension,
        dimension_value,
        is_computable,
        is_complete,
        case when is_complete and is_computable then numerator end as numerator,
        case when is_complete and is_computable then denominator end as denominator,
        case when is_complete and is_computable then value end as value
    from checked

)

select * from final
