{#- One row per experiment and assigned visitor: what the visitor did in the
    experiment's window after being assigned. A session counts when it starts
    at or after the visitor's assignment and before the window end; the window
    is read from the data (no experiment registry exists): it ends at the UTC
    midnight after the last assignment, since visitors are assigned at their
    first session in the window and windows are whole UTC days. Revenue is the
    GMV (merchandise value) of the orders placed in counted sessions, known at
    purchase time; net revenue is carried as well. -#}
with

assignments as (

    select * from {{ ref('fct_experiment_assignments') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

windows as (

    select
        experiment_id,
        min(assigned_at) as window_start_at,
        {{ dbt.dateadd('day', 1, dbt.date_trunc('day', 'max(assigned_at)')) }} as window_end_at
    from assignments
    group by experiment_id

),

session_orders as (

    select
        session_id,
        sum(merchandise_amount) as gmv,
        sum(net_revenue) as net_revenue
    from orders
    where session_id is not null
    group by session_id

),

counted_sessions as (

    select
        assignments.experiment_assignment_id,
        sessions.session_id,
        sessions.has_purchase,
        coalesce(session_orders.gmv, 0) as gmv,
        coalesce(session_orders.net_revenue, 0) as net_revenue
    from assignments
    inner join windows
        on assignments.experiment_id = windows.experiment_id
    inner join sessions
        on assignments.anonymous_id = sessions.anonymous_id
            and assignments.assigned_at <= sessions.started_at
            and windows.window_end_at > sessions.started_at
    left join session_orders
        on sessions.session_id = session_orders.session_id

),

visitor_totals as (

    select
        experiment_assignment_id,
        count(*) as sessions,
        sum(case when has_purchase then 1 else 0 end) as purchase_sessions,
        sum(gmv) as gmv,
        sum(net_revenue) as net_revenue
    from counted_sessions
    group by experiment_assignment_id

),

final as (

    select
        -- ids
        assignments.experiment_assignment_id,
        assignments.experiment_id,
        assignments.anonymous_id,

        -- assignment
        assignments.variant,
        assignments.is_control,
        assignments.assigned_at,
        windows.window_start_at,
        windows.window_end_at,

        -- outcome in the window after assignment
        coalesce(visitor_totals.sessions, 0) as sessions,
        coalesce(visitor_totals.purchase_sessions, 0) as purchase_sessions,
        coalesce(visitor_totals.purchase_sessions, 0) > 0 as is_converted,
        coalesce(visitor_totals.gmv, 0) as gmv,
        coalesce(visitor_totals.net_revenue, 0) as net_revenue

    from assignments
    inner join windows
        on assignments.experiment_id = windows.experiment_id
    left join visitor_totals
        on assignments.experiment_assignment_id = visitor_totals.experiment_assignment_id

)

select * from final
