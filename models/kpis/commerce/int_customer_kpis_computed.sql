{#- Customer KPIs that are not additive over days, computed per grain and
    period (day, ISO week, month, quarter, year within the data's span):
    - active_customers: customers with a valid order in the 365 days up to the
      period's last day (int_active_customers_counted);
    - churn_rate, repurchase_rate, reactivation_rate: counted customers / the
      customers of the ratio's base (int_customer_periods_flagged says which).
    Each KPI has the grains below and the breakdowns the catalog (seed
    kpi_definitions) lists for it. Every period of a KPI's grains is emitted
    for every breakdown value, 0 (or 0 / 0) where nothing happened. A period
    is incomplete when its look-back reaches before the first day with
    recorded activity. -#}
{%- set churn_days = setting_value('churn_days') -%}
{%- set lapse_days = setting_value('reactivation_lapse_days') -%}
{%- set active_window_days = 365 -%}
{%- set period_grains = ['month', 'quarter', 'year'] -%}
{%- set kpis = {
    'active_customers': {
        'grains': ['day', 'week', 'month', 'quarter', 'year'],
        'look_back_start': dbt.dateadd('day', -(active_window_days - 1), 'periods.period_end'),
    },
    'churn_rate': {
        'grains': period_grains,
        'look_back_start': dbt.dateadd('day', -(churn_days + 1), 'periods.period_start'),
    },
    'repurchase_rate': {
        'grains': period_grains,
        'look_back_start': 'periods.period_start',
    },
    'reactivation_rate': {
        'grains': period_grains,
        'look_back_start': dbt.dateadd('day', -lapse_days, 'periods.period_start'),
    },
} -%}
{%- set breakdowns = kpi_catalog_breakdowns(kpis.keys() | list) -%}
{%- set dimensions = kpi_dimensions(breakdowns, ['acquisition_channel_group', 'country_code']) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

active_customers as (

    select * from {{ ref('int_active_customers_counted') }}

),

period_customers as (

    select * from {{ ref('int_customer_periods_flagged') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

periods as (

    {{ kpi_period_spine('calendar', 'coverage', 'data_start_date') }}

),

customer_dimensions as (

    {{ kpi_dimension_rows('customers', 'customer_id', dimensions) }}

),

dimension_values as (

    select distinct
        dimension,
        dimension_value
    from customer_dimensions

),

measured as (

    -- active customers on each period's last day
    select
        'active_customers' as kpi_id,
        periods.grain,
        periods.period_start,
        active_customers.dimension,
        active_customers.dimension_value,
        active_customers.active_customers as numerator,
        cast(null as {{ dbt.type_int() }}) as denominator
    from periods
    inner join active_customers
        on periods.period_end = active_customers.date_day

    union all

    select
        period_customers.kpi_id,
        period_customers.grain,
        period_customers.period_start,
        customer_dimensions.dimension,
        customer_dimensions.dimension_value,
        sum(period_customers.is_counted) as numerator,
        count(*) as denominator
    from period_customers
    inner join customer_dimensions
        on period_customers.customer_id = customer_dimensions.customer_id
    group by
        period_customers.kpi_id,
        period_customers.grain,
        period_customers.period_start,
        customer_dimensions.dimension,
        customer_dimensions.dimension_value

),

-- every period of each KPI's grains, for every value of its breakdowns

kpi_grid as (

    {%- for kpi_id, kpi in kpis.items() %}
        select
            '{{ kpi_id }}' as kpi_id,
            periods.grain,
            periods.period_start,
            dimension_values.dimension,
            dimension_values.dimension_value,
            {{ kpi.look_back_start }} >= coverage.first_activity_date as is_complete
        from periods
        cross join dimension_values
        cross join coverage
        where
            periods.grain in ('{{ kpi.grains | join("', '") }}')
            and dimension_values.dimension in ('{{ (['total'] + breakdowns[kpi_id]) | join("', '") }}')
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        kpi_grid.kpi_id,
        kpi_grid.grain,
        cast(kpi_grid.period_start as date) as period_start,
        kpi_grid.dimension,
        kpi_grid.dimension_value,
        cast(coalesce(measured.numerator, 0) as {{ kpi_type_double() }}) as numerator,
        cast(
            case when kpi_grid.kpi_id <> 'active_customers' then coalesce(measured.denominator, 0) end
            as {{ kpi_type_double() }}
        ) as denominator,
        cast(
            case
                when kpi_grid.kpi_id = 'active_customers' then coalesce(measured.numerator, 0)
                when coalesce(measured.denominator, 0) > 0 then 1.0 * measured.numerator / measured.denominator
            end as {{ kpi_type_double() }}
        ) as value,  -- noqa: RF04
        kpi_grid.is_complete
    from kpi_grid
    left join measured
        on kpi_grid.kpi_id = measured.kpi_id
            and kpi_grid.grain = measured.grain
            and kpi_grid.period_start = measured.period_start
            and kpi_grid.dimension = measured.dimension
            and kpi_grid.dimension_value = measured.dimension_value

)

select * from final
