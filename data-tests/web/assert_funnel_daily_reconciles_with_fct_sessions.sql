{#- funnel_daily is an aggregate of fct_sessions: per day, its sessions and
    purchase sessions must equal those counted directly from the session facts.
    Returns the days that differ (a lost breakdown value or a double count). -#}
with

funnel_daily as (

    select * from {{ ref('funnel_daily') }}

),

fct_sessions as (

    select * from {{ ref('fct_sessions') }}

),

funnel_days as (

    select
        session_date,
        sum(sessions) as sessions,
        sum(purchase_sessions) as purchase_sessions
    from funnel_daily
    group by session_date

),

session_days as (

    select
        session_date,
        count(*) as sessions,
        sum(case when has_purchase then 1 else 0 end) as purchase_sessions
    from fct_sessions
    group by session_date

),

final as (

    select
        funnel_days.sessions as funnel_sessions,
        session_days.sessions as fact_sessions,
        funnel_days.purchase_sessions as funnel_purchase_sessions,
        session_days.purchase_sessions as fact_purchase_sessions,
        coalesce(funnel_days.session_date, session_days.session_date) as session_date
    from funnel_days
    full outer join session_days
        on funnel_days.session_date = session_days.session_date
    where
        coalesce(funnel_days.sessions, -1) != coalesce(session_days.sessions, -1)
        or coalesce(funnel_days.purchase_sessions, -1) != coalesce(session_days.purchase_sessions, -1)

)

select * from final
