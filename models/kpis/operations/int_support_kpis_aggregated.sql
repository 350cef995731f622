{#- Daily additive components of the support KPIs: one row per KPI, ticket
    creation day and breakdown. Every ticket KPI is dated by the day the ticket
    was created (a ticket's response, resolution and score belong to the day it
    came in), so a day's figures only change while its tickets are still open.
    complaint_rate divides complaint tickets by valid orders of the same day
    (orders dated by the order). aux_cs_fte carries the customer-service
    headcount of each month on its first day with denominator 1, so any grain
    averages the monthly FTE. Each KPI has the breakdowns the catalog (seed
    kpi_definitions) lists for it. -#}
{%- set ticket_kpis = [
    {'kpi_id': 'first_response_time_s', 'numerator': 'first_response_seconds', 'denominator': 'answered_tickets'},
    {'kpi_id': 'resolution_time_h', 'numerator': 'resolution_hours', 'denominator': 'resolved_tickets'},
    {'kpi_id': 'resolution_rate', 'numerator': 'resolved_tickets', 'denominator': 'tickets'},
    {'kpi_id': 'first_contact_resolution_rate', 'numerator': 'first_contact_resolved_tickets',
        'denominator': 'resolved_tickets'},
    {'kpi_id': 'escalation_rate', 'numerator': 'escalated_tickets', 'denominator': 'tickets'},
    {'kpi_id': 'csat', 'numerator': 'csat_points', 'denominator': 'scored_tickets'},
    {'kpi_id': 'csat_rate', 'numerator': 'positive_csat_tickets', 'denominator': 'scored_tickets'},
    {'kpi_id': 'dispute_handling_time_h', 'numerator': 'dispute_resolution_hours',
        'denominator': 'resolved_dispute_tickets'},
    {'kpi_id': 'consultation_conversion_rate', 'numerator': 'converted_pre_sale_tickets',
        'denominator': 'pre_sale_tickets', 'is_complete': 'is_conversion_window_complete'},
    {'kpi_id': 'first_response_within_30s_rate', 'numerator': 'chat_within_30s_tickets',
        'denominator': 'answered_chat_tickets'},
    {'kpi_id': 'aux_support_tickets', 'numerator': 'tickets'},
] -%}
{%- set breakdowns = kpi_catalog_breakdowns(ticket_kpis | map(attribute='kpi_id') | list + ['complaint_rate']) -%}
{%- set ticket_dimensions = kpi_dimensions(breakdowns, ['support_channel', 'support_category']) -%}
{%- set ticket_measures = [
    'tickets', 'answered_tickets', 'first_response_seconds', 'answered_chat_tickets', 'chat_within_30s_tickets',
    'resolved_tickets', 'resolution_hours', 'first_contact_resolved_tickets', 'escalated_tickets',
    'resolved_dispute_tickets', 'dispute_resolution_hours', 'scored_tickets', 'csat_points',
    'positive_csat_tickets', 'pre_sale_tickets', 'converted_pre_sale_tickets',
] %}
-- depends_on: {{ ref('kpi_definitions') }}
with

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

headcount as (

    select * from {{ ref('fct_headcount_monthly') }}

),

coverage as (

    select * from {{ ref('int_data_coverage_computed') }}

),

pre_sale_conversions as (

    -- a pre-sale ticket of a known customer converts when that customer places a
    -- valid order within 7 days (168 hours) after the ticket was created
    select
        tickets.ticket_id,
        max(case when orders.order_id is not null then 1 else 0 end) as is_converted
    from tickets
    left join orders
        on tickets.customer_id = orders.customer_id
            and orders.is_valid
            and tickets.created_at <= orders.ordered_at
            and {{ dbt.dateadd('day', 7, 'tickets.created_at') }} >= orders.ordered_at
    where
        tickets.is_pre_sale
        and tickets.customer_id is not null
    group by tickets.ticket_id

),

ticket_units as (

    select
        tickets.created_date,
        tickets.channel as support_channel,
        tickets.category as support_category,
        1 as tickets,
        case when tickets.has_first_response then 1 else 0 end as answered_tickets,
        coalesce(tickets.first_response_seconds, 0) as first_response_seconds,
        -- the 30-second flag exists for answered chat tickets only
        case when tickets.is_first_response_within_30s is not null then 1 else 0 end as answered_chat_tickets,
        case when tickets.is_first_response_within_30s then 1 else 0 end as chat_within_30s_tickets,
        case when tickets.is_resolved then 1 else 0 end as resolved_tickets,
        case when tickets.is_resolved then tickets.resolution_hours else 0 end as resolution_hours,
        case when tickets.is_first_contact_resolution then 1 else 0 end as first_contact_resolved_tickets,
        case when tickets.is_escalated then 1 else 0 end as escalated_tickets,
        case when tickets.is_dispute and tickets.is_resolved then 1 else 0 end as resolved_dispute_tickets,
        case when tickets.is_dispute and tickets.is_resolved then tickets.resolution_hours else 0 end
            as dispute_resolution_hours,
        case when tickets.csat_score is not null then 1 else 0 end as scored_tickets,
        coalesce(tickets.csat_score, 0) as csat_points,
        case when tickets.is_csat_positive then 1 else 0 end as positive_csat_tickets,
        case when pre_sale_conversions.ticket_id is not null then 1 else 0 end as pre_sale_tickets,
        coalesce(pre_sale_conversions.is_converted, 0) as converted_pre_sale_tickets
    from tickets
    left join pre_sale_conversions
        on tickets.ticket_id = pre_sale_conversions.ticket_id

),

ticket_aggregated as (

    {{ kpi_aggregate_by_dimensions('ticket_units', 'created_date', ticket_dimensions, ticket_measures) }}

),

ticket_windowed as (

    -- a pre-sale ticket's 7-day window ends on its creation day + 7
    select
        ticket_aggregated.date_day,
        ticket_aggregated.dimension,
        ticket_aggregated.dimension_value,
        {%- for measure in ticket_measures %}
            ticket_aggregated.{{ measure }},
        {%- endfor %}
        cast({{ dbt.dateadd('day', 7, 'ticket_aggregated.date_day') }} as date)
        <= coverage.last_complete_date as is_conversion_window_complete
    from ticket_aggregated
    cross join coverage

),

complaint_units as (

    -- complaint tickets by creation day next to valid orders by order day
    select
        created_date as date_day,
        case when is_complaint then 1 else 0 end as complaint_tickets,
        0 as valid_orders
    from tickets

    union all

    select
        ordered_date as date_day,
        0 as complaint_tickets,
        case when is_valid then 1 else 0 end as valid_orders
    from orders

),

complaint_aggregated as (

    {{ kpi_aggregate_by_dimensions('complaint_units', 'date_day', [], ['complaint_tickets', 'valid_orders']) }}

),

headcount_aggregated as (

    -- the customer-service headcount of each month, on its first day
    select
        month_start_date as date_day,
        'total' as dimension,
        'total' as dimension_value,
        sum(headcount_fte) as headcount_fte
    from headcount
    where team = 'customer_service'
    group by month_start_date

),

final as (

    {{ kpi_components_final([
        {'relation': 'ticket_windowed', 'kpis': ticket_kpis},
        {'relation': 'complaint_aggregated', 'kpis': [
            {'kpi_id': 'complaint_rate', 'numerator': 'complaint_tickets', 'denominator': 'valid_orders'},
        ]},
        {'relation': 'headcount_aggregated', 'kpis': [
            {'kpi_id': 'aux_cs_fte', 'numerator': 'headcount_fte', 'denominator': '1'},
        ]},
    ], breakdowns) }}

)

select * from final
