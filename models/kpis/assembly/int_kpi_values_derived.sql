{#- KPIs derived from other KPI series at the same grain, period and breakdown
    (each formula here and nowhere else): growth against the previous month or
    year, blended and per-channel CAC, LTV/CAC, stickiness (DAU/MAU), tickets
    per customer-service FTE, GMV per operations FTE, inventory turnover and
    days of inventory. numerator and denominator are the two series' values;
    a derived value is complete only when both of its inputs are. -#}
{%- set ratios = [
    {'kpi_id': 'cac', 'numerator': 'aux_ad_spend', 'denominator': 'new_customers'},
    {'kpi_id': 'tickets_per_cs_fte', 'numerator': 'aux_support_tickets', 'denominator': 'aux_cs_fte'},
    {'kpi_id': 'gmv_per_ops_fte', 'numerator': 'gmv', 'denominator': 'aux_ops_fte'},
    {'kpi_id': 'inventory_turnover', 'numerator': 'aux_cogs', 'denominator': 'aux_inventory_value'},
] -%}
with

rolled_up as (

    select * from {{ ref('int_kpi_values_rolled_up') }}

),

user_activity as (

    select * from {{ ref('int_user_activity_kpis_computed') }}

),

totals as (

    select
        kpi_id,
        grain,
        period_start,
        period_end,
        value,
        is_complete
    from rolled_up
    where dimension = 'total'

),

growth as (

        -- net revenue against the month before (month grain) and the same period a
        -- year before (month, quarter, year)
    {%- for kpi_id, months_back, grains in [
        ('net_revenue_growth_mom', 1, ['month']),
        ('net_revenue_growth_yoy', 12, ['month', 'quarter', 'year'])] %}
        select
            '{{ kpi_id }}' as kpi_id,
            current_period.grain,
            current_period.period_start,
            current_period.period_end,
            current_period.value as numerator,
            previous_period.value as denominator,
            current_period.value / nullif(previous_period.value, 0) - 1 as value,
            current_period.is_complete and coalesce(previous_period.is_complete, false) as is_complete
        from totals as current_period
        left join totals as previous_period
            on current_period.grain = previous_period.grain
                and previous_period.kpi_id = 'net_revenue'
                and previous_period.period_start
                = cast({{ dbt.dateadd('month', -months_back, 'current_period.period_start') }} as date)
        where
            current_period.kpi_id = 'net_revenue'
            and current_period.grain in ('{{ grains | join("', '") }}')
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

series_ratios as (

    {%- for ratio in ratios %}
        select
            '{{ ratio.kpi_id }}' as kpi_id,
            numerator_series.grain,
            numerator_series.period_start,
            numerator_series.period_end,
            numerator_series.value as numerator,
            denominator_series.value as denominator,
            numerator_series.value / nullif(denominator_series.value, 0) as value,
            numerator_series.is_complete and coalesce(denominator_series.is_complete, false) as is_complete
        from totals as numerator_series
        left join totals as denominator_series
            on numerator_series.grain = denominator_series.grain
                and numerator_series.period_start = denominator_series.period_start
                and denominator_series.kpi_id = '{{ ratio.denominator }}'
        where numerator_series.kpi_id = '{{ ratio.numerator }}'
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

days_of_inventory as (

    -- average inventory value / average daily COGS of the period
    select
        'days_of_inventory' as kpi_id,
        inventory.grain,
        inventory.period_start,
        inventory.period_end,
        inventory.value as numerator,
        cogs.value / ({{ dbt.datediff('inventory.period_start', 'inventory.period_end', 'day') }} + 1) as denominator,
        inventory.value
        / nullif(cogs.value / ({{ dbt.datediff('inventory.period_start', 'inventory.period_end', 'day') }} + 1), 0)
            as value,
        inventory.is_complete and coalesce(cogs.is_complete, false) as is_complete
    from totals as inventory
    left join totals as cogs
        on inventory.grain = cogs.grain
            and inventory.period_start = cogs.period_start
            and cogs.kpi_id = 'aux_cogs'
    where inventory.kpi_id = 'aux_inventory_value'

),

ltv_to_cac as (

    -- the 12-month margin LTV of the cohort that first ordered in the period
    -- against the blended CAC of the same period
    select
        'ltv_to_cac' as kpi_id,
        ltv.grain,
        ltv.period_start,
        ltv.period_end,
        ltv.value as numerator,
        cac.value as denominator,
        ltv.value / nullif(cac.value, 0) as value,
        ltv.is_complete and coalesce(cac.is_complete, false) as is_complete
    from totals as ltv
    left join series_ratios as cac
        on ltv.grain = cac.grain
            and ltv.period_start = cac.period_start
            and cac.kpi_id = 'cac'
    where ltv.kpi_id = 'ltv_12m_margin'

),

stickiness as (

    select
        'stickiness' as kpi_id,
        dau.grain,
        dau.period_start,
        dau.value as numerator,
        mau.value as denominator,
        dau.value / nullif(mau.value, 0) as value,
        dau.is_complete and coalesce(mau.is_complete, false) as is_complete
    from user_activity as dau
    left join user_activity as mau
        on dau.grain = mau.grain
            and dau.period_start = mau.period_start
            and mau.kpi_id = 'mau'
            and mau.dimension = 'total'
    where
        dau.kpi_id = 'dau'
        and dau.dimension = 'total'
        and dau.grain in ('day', 'month')

),

stickiness_bounded as (

    select
        stickiness.kpi_id,
        stickiness.grain,
        stickiness.period_start,
        totals.period_end,
        stickiness.numerator,
        stickiness.denominator,
        stickiness.value,
        stickiness.is_complete
    from stickiness
    inner join totals
        on stickiness.grain = totals.grain
            and stickiness.period_start = totals.period_start
            and totals.kpi_id = 'gmv'

),

total_derived as (

    select
        kpi_id,
        grain,
        period_start,
        period_end,
        numerator,
        denominator,
        value,
        is_complete
    from growth
    union all
    select
        kpi_id,
        grain,
        period_start,
        period_end,
        numerator,
        denominator,
        value,
        is_complete
    from series_ratios
    union all
    select
        kpi_id,
        grain,
        period_start,
        period_end,
        numerator,
        denominator,
        value,
        is_complete
    from days_of_inventory
    union all
    select
        kpi_id,
        grain,
        period_start,
        period_end,
        numerator,
        denominator,
        value,
        is_complete
    from ltv_to_cac
    union all
    select
        kpi_id,
        grain,
        period_start,
        period_end,
        numerator,
        denominator,
        value,
        is_complete
    from stickiness_bounded

),

cac_by_channel as (

    -- spend on an ad channel / new customers whose acquisition channel group is
    -- that channel (the ad channels are paid channel groups)
    select
        'cac_by_channel' as kpi_id,
        spend.grain,
        spend.period_start,
        spend.period_end,
        'ad_channel' as dimension,
        spend.dimension_value,
        spend.value as numerator,
        coalesce(new_customers.value, 0) as denominator,
        spend.value / nullif(coalesce(new_customers.value, 0), 0) as value,
        spend.is_complete and coalesce(new_customers.is_complete, spend.is_complete) as is_complete
    from rolled_up as spend
    left join rolled_up as new_customers
        on spend.grain = new_customers.grain
            and spend.period_start = new_customers.period_start
            and spend.dimension_value = new_customers.dimension_value
            and new_customers.kpi_id = 'new_customers'
            and new_customers.dimension = 'acquisition_channel_group'
    where
        spend.kpi_id = 'aux_ad_spend'
        and spend.dimension = 'ad_channel'

),

cac_by_channel_total as (

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
    from cac_by_channel
    group by
        kpi_id,
        grain,
        period_start

),

final as (

    select
        kpi_id,
        grain,
        period_start,
        period_end,
        'total' as dimension,
        'total' as dimension_value,
        numerator,
        denominator,
        value,
        is_complete
    from total_derived
    union all
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
    from cac_by_channel
    union all
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
    from cac_by_channel_total

)

select * from final
