{#- Daily components of the retention KPIs (the shared KPI component shape).
    retention_d1/_d7/_d30: signup-day cohorts of non-test customers
    (int_customers_retention_flagged), dated by the signup day, in total and by
    acquisition channel group; a cohort day whose offset day is not known yet
    (after the last complete day) or not known at all (before the first day of
    recorded activity) has is_complete = false and a NULL numerator.
    active_user_retention_d1/_d7/_d30: of the users active on a day
    (int_user_days_aggregated), those active again exactly 1 / 7 / 30 days
    later, dated by the first day; incomplete until that later day is complete. -#}
{%- set signup_kpi_ids = ['retention_d1', 'retention_d7', 'retention_d30'] -%}
{%- set breakdowns = kpi_catalog_breakdowns(
    signup_kpi_ids + ['active_user_retention_d1', 'active_user_retention_d7', 'active_user_retention_d30']
) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

retention_flags as (

    select * from {{ ref('int_customers_retention_flagged') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

user_days as (

    select * from {{ ref('int_user_days_aggregated') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

signup_units as (

    select
        retention_flags.signup_date,
        customers.acquisition_channel_group,
        1 as signups,
    {%- for offset in [1, 7, 30] %}
        case when retention_flags.is_active_d{{ offset }} is not null then 1 else 0 end as known_d{{ offset }},
        case when retention_flags.is_active_d{{ offset }} then 1 else 0 end as retained_d{{ offset }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from retention_flags
    left join customers
        on retention_flags.customer_id = customers.customer_id

),

signup_aggregated as (

    {{ kpi_aggregate_by_dimensions(
        'signup_units', 'signup_date', kpi_dimensions(breakdowns, ['acquisition_channel_group'], signup_kpi_ids),
        ['signups', 'known_d1', 'retained_d1', 'known_d7', 'retained_d7', 'known_d30', 'retained_d30']
    ) }}

),

active_units as (

    select
        user_days.activity_date,
        1 as active_users,
    {%- for offset in [1, 7, 30] %}
        case
            when {{ dbt.dateadd('day', offset, 'user_days.activity_date') }} <= coverage.last_complete_date
                then 1
            else 0
        end as known_d{{ offset }},
        case when later_d{{ offset }}.user_id is not null then 1 else 0 end as retained_d{{ offset }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from user_days
    cross join coverage
    {%- for offset in [1, 7, 30] %}
        left join user_days as later_d{{ offset }}
            on
                user_days.user_id = later_d{{ offset }}.user_id
                and later_d{{ offset }}.activity_date
                = cast({{ dbt.dateadd('day', offset, 'user_days.activity_date') }} as date)
    {%- endfor %}

),

active_aggregated as (

    {{ kpi_aggregate_by_dimensions(
        'active_units', 'activity_date', [],
        ['active_users', 'known_d1', 'retained_d1', 'known_d7', 'retained_d7', 'known_d30', 'retained_d30']
    ) }}

),

{%- set signup_kpis = [] %}
{%- set active_kpis = [] %}
{%- for offset in [1, 7, 30] %}
    {%- do signup_kpis.append({
        'kpi_id': 'retention_d' ~ offset,
        'numerator': 'case when known_d' ~ offset ~ ' = signups then retained_d' ~ offset ~ ' end',
        'denominator': 'signups',
        'is_complete': 'known_d' ~ offset ~ ' = signups',
    }) %}
    {%- do active_kpis.append({
        'kpi_id': 'active_user_retention_d' ~ offset,
        'numerator': 'case when known_d' ~ offset ~ ' = active_users then retained_d' ~ offset ~ ' end',
        'denominator': 'active_users',
        'is_complete': 'known_d' ~ offset ~ ' = active_users',
    }) %}
{%- endfor %}

final as (

    {{ kpi_components_final([
        {'relation': 'signup_aggregated', 'kpis': signup_kpis},
        {'relation': 'active_aggregated', 'kpis': active_kpis},
    ], breakdowns) }}

)

select * from final
