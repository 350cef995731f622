{#- Daily components of the marketing KPIs (the shared KPI component shape).
    Paid media (fct_ad_spend_daily, by spend day) and the orders credited to a
    paid channel by last non-direct click (int_orders_last_non_direct_attributed,
    by order day), cut by ad channel (the paid traffic channel group) and
    campaign (the session's utm_campaign): ad_ctr, cpc, roas, campaign_roi and
    aux_ad_spend. Organic content (fct_content_daily, by statistics day) and the
    placed orders of sessions whose utm_content is a content id (by order day),
    cut by platform and content type: the content rates. Marketing activities
    (fct_activity_participants) by registration day: activity_participation_rate. -#}
{%- set paid_kpis = [
    {'kpi_id': 'ad_ctr', 'numerator': 'clicks', 'denominator': 'impressions'},
    {'kpi_id': 'cpc', 'numerator': 'spend', 'denominator': 'clicks'},
    {'kpi_id': 'roas', 'numerator': 'attributed_net_revenue', 'denominator': 'spend'},
    {'kpi_id': 'campaign_roi', 'numerator': 'attributed_gross_margin - spend', 'denominator': 'spend'},
    {'kpi_id': 'aux_ad_spend', 'numerator': 'spend'},
] -%}
{%- set content_kpis = [
    {'kpi_id': 'content_ctr', 'numerator': 'clicks', 'denominator': 'impressions'},
    {'kpi_id': 'content_interaction_rate', 'numerator': 'interactions', 'denominator': 'impressions'},
    {'kpi_id': 'content_share_rate', 'numerator': 'shares', 'denominator': 'impressions'},
    {'kpi_id': 'content_conversion_rate', 'numerator': 'content_orders', 'denominator': 'clicks'},
] -%}
{%- set paid_kpi_ids = paid_kpis | map(attribute='kpi_id') | list -%}
{%- set content_kpi_ids = content_kpis | map(attribute='kpi_id') | list -%}
{%- set breakdowns = kpi_catalog_breakdowns(paid_kpi_ids + content_kpi_ids + ['activity_participation_rate']) -%}
{%- set paid_dimensions = kpi_dimensions(breakdowns, ['ad_channel', 'campaign_id'], paid_kpi_ids) -%}
{#- aux_ad_spend (not a catalog KPI) feeds cac_by_channel and campaign_roi: the paid KPIs' breakdowns -#}
{%- do breakdowns.update({'aux_ad_spend': paid_dimensions}) %}
-- depends_on: {{ ref('kpi_definitions') }}
with

ad_spend as (

    select * from {{ ref('fct_ad_spend_daily') }}

),

content_stats as (

    select * from {{ ref('fct_content_daily') }}

),

participants as (

    select * from {{ ref('fct_activity_participants') }}

),

credited_orders as (

    select * from {{ ref('int_orders_marketing_credited') }}

),

paid_units as (

    select
        spend_date as date_day,
        channel as ad_channel,
        campaign_id,
        cast(spend as {{ kpi_type_double() }}) as spend,
        cast(clicks as {{ kpi_type_double() }}) as clicks,
        cast(impressions as {{ kpi_type_double() }}) as impressions,
        cast(0 as {{ kpi_type_double() }}) as attributed_net_revenue,
        cast(0 as {{ kpi_type_double() }}) as attributed_gross_margin
    from ad_spend

    union all

    select
        ordered_date as date_day,
        attributed_channel_group as ad_channel,
        attributed_utm_campaign as campaign_id,
        cast(0 as {{ kpi_type_double() }}) as spend,
        cast(0 as {{ kpi_type_double() }}) as clicks,
        cast(0 as {{ kpi_type_double() }}) as impressions,
        net_revenue as attributed_net_revenue,
        gross_margin as attributed_gross_margin
    from credited_orders
    where attributed_channel_group is not null

),

paid_aggregated as (

    {{ kpi_aggregate_by_dimensions(
        'paid_units', 'date_day', paid_dimensions,
        ['spend', 'clicks', 'impressions', 'attributed_net_revenue', 'attributed_gross_margin']
    ) }}

),

content_units as (

    select
        stat_date as date_day,
        platform,
        content_type,
        cast(impressions as {{ kpi_type_double() }}) as impressions,
        cast(clicks as {{ kpi_type_double() }}) as clicks,
        cast(interactions as {{ kpi_type_double() }}) as interactions,
        cast(shares as {{ kpi_type_double() }}) as shares,  -- noqa: RF04
        cast(0 as {{ kpi_type_double() }}) as content_orders
    from content_stats

    union all

    select
        ordered_date as date_day,
        content_platform as platform,
        content_type,
        cast(0 as {{ kpi_type_double() }}) as impressions,
        cast(0 as {{ kpi_type_double() }}) as clicks,
        cast(0 as {{ kpi_type_double() }}) as interactions,
        cast(0 as {{ kpi_type_double() }}) as shares,  -- noqa: RF04
        cast(1 as {{ kpi_type_double() }}) as content_orders
    from credited_orders
    where content_id is not null

),

content_aggregated as (

    {{ kpi_aggregate_by_dimensions(
        'content_units', 'date_day', kpi_dimensions(breakdowns, ['platform', 'content_type'], content_kpi_ids),
        ['impressions', 'clicks', 'interactions', 'shares', 'content_orders']
    ) }}

),

participant_units as (

    select
        registered_date,
        1 as registrants,
        case when has_participated then 1 else 0 end as participants
    from participants

),

participant_aggregated as (

    {{ kpi_aggregate_by_dimensions('participant_units', 'registered_date', [], ['registrants', 'participants']) }}

),

final as (

    {{ kpi_components_final([
        {'relation': 'paid_aggregated', 'kpis': paid_kpis},
        {'relation': 'content_aggregated', 'kpis': content_kpis},
        {'relation': 'participant_aggregated', 'kpis': [
            {'kpi_id': 'activity_participation_rate', 'numerator': 'participants', 'denominator': 'registrants'},
        ]},
    ], breakdowns) }}

)

select * from final
