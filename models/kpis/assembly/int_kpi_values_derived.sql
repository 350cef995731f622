{#- KPIs derived from other KPI series of the same grain and period, each
    formula written once, as data: the catalog (kpi_definitions) gives a
    derived KPI's numerator_kpi, denominator_kpi (KPIs or aux_* series, total
    rows; a denominator may itself be derived: ltv_to_cac divides by cac) and
    derivation: ratio (same period), ratio_to_daily_mean (numerator /
    (denominator / days in the period)), growth (numerator / denominator of
    the period denominator_months_back months earlier, minus 1, at the grains
    a whole number of which that is) or ratio_by_ad_channel (per ad channel,
    and over all ad channels: paid CAC). A derived KPI has a row for every
    period of its numerator at the grains the catalog gives it (NULL when the
    denominator is missing); numerator and denominator are
    the two input values, complete only when both inputs are. -#}
with

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

rolled_up as (

    select * from {{ ref('int_kpi_values_rolled_up') }}

),

computed as (

    select * from {{ ref('int_kpi_computed_values_unioned') }}

),

series as (

    -- every total series a derived KPI can read: rolled-up and per-grain
    select
        kpi_id,
        grain,
        period_start,
        period_end,
        value,
        is_complete
    from rolled_up
    where dimension = 'total'
    union all
    select
        kpi_id,
        grain,
        period_start,
        period_end,
        value,
        is_complete
    from computed
    where dimension = 'total'

),

derivations as (

    select
        derived.kpi_id,
        derived.derivation,
        derived.numerator_kpi,
        derived.denominator_kpi,
        derived.grains,
        coalesce(cast(nullif(derived.denominator_months_back, '') as {{ dbt.type_int() }}), 0) as months_back,
        derived_denominator.kpi_id is not null as is_second_pass
    from definitions as derived
    left join definitions as derived_denominator
        on derived.denominator_kpi = derived_denominator.kpi_id
            and derived_denominator.aggregation = 'derived'
    where derived.derivation in ('ratio', 'ratio_to_daily_mean', 'growth')

),

numerators as (

    select
        derivations.kpi_id,
        derivations.derivation,
        derivations.denominator_kpi,
        derivations.is_second_pass,
        series.grain,
        series.period_start,
        series.period_end,
        series.value,
        series.is_complete,
        case when derivations.derivation = 'growth' then 1 else 0 end as value_offset,
        case
            when derivations.derivation = 'ratio_to_daily_mean'
                then {{ dbt.datediff('series.period_start', 'series.period_end', 'day') }} + 1
            else 1
        end as denominator_divisor,
        cast({{ dbt.dateadd('month', '-derivations.months_back', 'series.period_start') }} as date)
            as denominator_period_start
    from derivations
    inner join series
        on derivations.numerator_kpi = series.kpi_id
    -- at the grains the catalog gives the derived KPI, whether or not the
    -- denominator has rows there (a missing input still gives its rows: NULL)
    where
        {{ dbt.position(
            dbt.concat(["'|'", "series.grain", "'|'"]),
            dbt.concat(["'|'", "derivations.grains", "'|'"])) }} > 0
        and (
            derivations.months_back = 0
            or derivations.months_back % case series.grain when 'month' then 1 when 'quarter' then 3 when 'year' then 12 end
            = 0
        )

),

first_pass as (

    {{ kpi_derived_values('numerators', 'series', second_pass=false) }}

),

second_pass as (

    -- a derived KPI whose denominator is derived reads it from the first pass
    {{ kpi_derived_values('numerators', 'first_pass', second_pass=true) }}

),

by_ad_channel as (

    -- spend on an ad channel / new customers whose acquisition channel group is
    -- that channel (the ad channels are paid channel groups)
    select
        derived.kpi_id,
        spend.grain,
        spend.period_start,
        spend.period_end,
        'ad_channel' as dimension,
        spend.dimension_value,
        spend.value as numerator,
        coalesce(new_customers.value, 0) as denominator,
        spend.value / nullif(coalesce(new_customers.value, 0), 0) as value,
        spend.is_complete and coalesce(new_customers.is_complete, spend.is_complete) as is_complete
    from definitions as derived
    inner join rolled_up as spend
        on derived.numerator_kpi = spend.kpi_id
            and spend.dimension = 'ad_channel'
    left join rolled_up as new_customers
        on spend.grain = new_customers.grain
            and spend.period_start = new_customers.period_start
            and spend.dimension_value = new_customers.dimension_value
            and derived.denominator_kpi = new_customers.kpi_id
            and new_customers.dimension = 'acquisition_channel_group'
    where derived.derivation = 'ratio_by_ad_channel'

),

by_ad_channel_total as (

    -- paid CAC: the spend of every ad channel / the new customers acquired
    -- through those channels (blended CAC over all new customers is cac)
    select
        kpi_id,
        grain,
        period_start,
        'total' as dimension,
        'total' as dimension_value,
        max(period_end) as period_end,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(numerator) / nullif(sum(denominator), 0) as value,
        min(case when is_complete then 1 else 0 end) = 1 as is_complete
    from by_ad_channel
    group by
        kpi_id,
        grain,
        period_start

),

final as (

    {%- for relation in ['first_pass', 'second_pass', 'by_ad_channel', 'by_ad_channel_total'] %}
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

)

select * from final
