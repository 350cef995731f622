{#- Role scorecards by month: for each role (seed scorecard_weights), month
    and KPI of the role, the KPI's monthly actual, target and achievement, its
    weight for the month's season and its weighted points; and the role's
    score, the sum of weight x min(achievement, 1.2) x 100 over its KPIs (0 to
    120). A month is peak season when any of its days is in the promotions
    calendar's peak; a role uses its weights of that season, or its 'all'
    weights when it has none for the season. The score is NULL while any of
    the role's KPIs has no achievement (no target, or an incomplete month),
    so that a missing number never reads as a low score; a lower-is-better
    KPI at 0 against a positive target scores the 1.2 cap. -#}
with

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

weights as (

    select * from {{ ref('scorecard_weights') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

months as (

    select distinct period_start as month_start
    from kpi_values
    where grain = 'month'

),

month_seasons as (

    select
        months.month_start,
        case
            when max(case when dates.is_peak_season then 1 else 0 end) = 1 then 'peak'
            else 'off_peak'
        end as season
    from months
    inner join dates
        on months.month_start = dates.month_start_date
    group by months.month_start

),

roles as (

    select distinct role
    from weights

),

role_seasons as (

    select distinct
        role,
        season
    from weights

),

role_months as (

    select
        roles.role,
        month_seasons.month_start,
        month_seasons.season,
        coalesce(seasonal.season, 'all') as weight_season
    from roles
    cross join month_seasons
    left join role_seasons as seasonal
        on roles.role = seasonal.role
            and month_seasons.season = seasonal.season

),

capped as (

    -- least/greatest skip NULLs on some engines (DuckDB: least(NULL, 1.2) = 1.2),
    -- so the cap is spelled out: a missing achievement stays missing. A
    -- lower-is-better KPI at 0 against a positive target (no escalations at
    -- all) has no ratio but is the best result: it scores the cap.
    select
        kpi_id,
        grain,
        period_start,
        dimension,
        value,
        target,
        achievement,
        case
            when
                achievement is null
                and direction = 'lower_is_better'
                and value = 0
                and target > 0
                then 1.2
            when achievement is null then null
            when achievement > 1.2 then 1.2
            when achievement < 0 then 0
            else achievement
        end as capped_achievement
    from kpi_values
    where
        grain = 'month'
        and dimension = 'total'

),

scored as (

    select
        role_months.role,
        role_months.month_start,
        role_months.season,
        weights.kpi_id,
        capped.value as actual,
        capped.target,
        capped.achievement,
        capped.capped_achievement,
        cast(weights.weight as {{ kpi_type_double() }}) as weight,
        -- rounded to 4 decimals: the points are for reading, and rounding keeps
        -- 0.5 x 1.2 x 100 at exactly 60
        {{ round_statistic(
            'cast(weights.weight as ' ~ kpi_type_double() ~ ') * capped.capped_achievement * 100', 4
        ) }} as weighted_points
    from role_months
    inner join weights
        on role_months.role = weights.role
            and role_months.weight_season = weights.season
    left join capped
        on weights.kpi_id = capped.kpi_id
            and capped.grain = 'month'
            and role_months.month_start = capped.period_start
            and capped.dimension = 'total'

),

final as (

    select
        {{ surrogate_key(['role', 'month_start', 'kpi_id']) }} as scorecard_row_id,
        role,
        month_start,
        season,
        kpi_id,
        actual,
        target,
        achievement,
        capped_achievement,
        weight,
        weighted_points,
        cast(
            sum(case when capped_achievement is null then 1 else 0 end) over (partition by role, month_start)
            as {{ dbt.type_bigint() }}
        ) as kpis_without_achievement,
        case
            when sum(case when capped_achievement is null then 1 else 0 end) over (partition by role, month_start) = 0
                then {{ round_statistic('sum(weighted_points) over (partition by role, month_start)', 4) }}
        end as role_score
    from scored

)

select * from final
