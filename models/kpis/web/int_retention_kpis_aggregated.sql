{#- Daily components of the retention KPIs (the shared KPI component shape).
    retention_d1/_d7/_d30: signup-day cohorts of non-test customers
    (int_customers_retention_flagged), dated by the signup day, in total and by
    acquisition channel group; a cohort day whose offset day is not known yet
    (after the last complete day) or not known at all (before the first day of
    recorded activity) has is_complete = false and a NULL numerator.
    active_user_retention_d1/_d7/_d30: of the users active on a day
    (int_user_days_aggregated), those active again exactly 1 / 7 / 30 days
    later, dated by the first day; incomplete until that later day is complete. -#}
{#- var kpi_breakdowns_only (a list of breakdown names; default: all) keeps only
    those breakdowns, so that unit tests stay small -#}
{%- set only = setting_value('kpi_breakdowns_only') %}
{%- set signup_breakdowns = ['acquisition_channel_group'] %}
{%- set signup_breakdowns = signup_breakdowns if only is none else signup_breakdowns | select('in', only) | list %}
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
        'signup_units', 'signup_date', signup_breakdowns,
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

signup_kpis as (

    {{ kpi_unpivot('signup_aggregated', signup_kpis) }}

),

active_kpis as (

    {{ kpi_unpivot('active_aggregated', active_kpis) }}

),

final as (

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from signup_kpis

    union all

    select
        kpi_id,
        date_day,
        dimension,
        dimension_value,
        numerator,
        denominator,
        is_complete
    from active_kpis

)

select * from final
