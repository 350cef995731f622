{#- The traffic channel group of every traffic source seen (a landing event's
    utm_* and referrer), through the rules of the seed channel_grouping
    (DECISIONLOG D18): the lowest rule_order whose non-empty fields all match
    wins; utm rules match utm_source / utm_medium exactly; referrer rules apply
    only to traffic without utm parameters and match whole dot-separated labels
    of the referrer's host (`t.co` matches t.co but not reddit.com); `*` is any
    referrer. No utm and no referrer is direct; anything else no rule matches is
    unassigned. Kept apart from the sessions so the mapping can be unit tested. -#}
with

events as (

    select * from {{ ref('stg_web__events') }}

),

channel_grouping as (

    select * from {{ ref('channel_grouping') }}

),

sources as (

    select distinct
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        referrer
    from events

),

without_scheme as (

    select
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        referrer,
        (
            utm_source is not null
            or utm_medium is not null
            or utm_campaign is not null
            or utm_content is not null
        ) as has_utm,
        case
            when position('://' in referrer) > 0
                then substring(referrer from position('://' in referrer) + 3)
            else referrer
        end as referrer_rest
    from sources

),

without_path as (

    select
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        referrer,
        has_utm,
        case
            when position('/' in referrer_rest) > 0
                then substring(referrer_rest from 1 for position('/' in referrer_rest) - 1)
            else referrer_rest
        end as referrer_authority
    from without_scheme

),

parsed as (

    select
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        referrer,
        has_utm,
        -- the host without a port; NULL when there is no referrer
        nullif(lower(
            case
                when position(':' in referrer_authority) > 0
                    then substring(referrer_authority from 1 for position(':' in referrer_authority) - 1)
                else referrer_authority
            end
        ), '') as referrer_host,
        {{ surrogate_key(['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'referrer']) }}
            as traffic_source_id
    from without_path

),

labelled as (

    -- dots around the host so that a rule can only match whole labels
    select
        traffic_source_id,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        referrer,
        has_utm,
        referrer_host,
        '.' || coalesce(referrer_host, '') || '.' as referrer_host_labels
    from parsed

),

rules as (

    -- seed fields may come as NULL or as empty strings: both mean "any"
    select
        rule_order,
        channel_group,
        nullif(lower(trim(utm_source)), '') as utm_source,
        nullif(lower(trim(utm_medium)), '') as utm_medium,
        nullif(lower(trim(referrer_domain)), '') as referrer_domain
    from channel_grouping

),

rule_patterns as (

    -- `google.` must start a label ('.google.'); `t.co` must be whole labels ('.t.co.')
    select
        rule_order,
        utm_source,
        utm_medium,
        referrer_domain,
        channel_group,
        '.' || referrer_domain || case when referrer_domain like '%.' then '' else '.' end as referrer_label_pattern
    from rules

),

matches as (

    select
        labelled.traffic_source_id,
        rule_patterns.rule_order,
        rule_patterns.channel_group,
        row_number() over (
            partition by labelled.traffic_source_id order by rule_patterns.rule_order
        ) as match_rank
    from labelled
    inner join rule_patterns
        on
            (rule_patterns.utm_source is null or labelled.utm_source = rule_patterns.utm_source)
            and (rule_patterns.utm_medium is null or labelled.utm_medium = rule_patterns.utm_medium)
            and case
                -- a rule without a referrer is a utm rule: utm traffic only
                when rule_patterns.referrer_domain is null then labelled.has_utm
                -- referrer rules: only for traffic without utm parameters
                when labelled.has_utm or labelled.referrer is null then false
                when rule_patterns.referrer_domain = '*' then true
                -- '.google.' is in '.www.google.co.uk.', '.t.co.' is not in '.www.reddit.com.'
                else position(rule_patterns.referrer_label_pattern in labelled.referrer_host_labels) > 0
            end

),

final as (

    select
        parsed.traffic_source_id,
        parsed.utm_source,
        parsed.utm_medium,
        parsed.utm_campaign,
        parsed.utm_content,
        parsed.referrer,
        parsed.referrer_host,
        parsed.has_utm,
        matches.rule_order as matched_rule_order,
        case
            when not parsed.has_utm and parsed.referrer is null then 'direct'
            else coalesce(matches.channel_group, 'unassigned')
        end as channel_group
    from parsed
    left join matches
        on
            parsed.traffic_source_id = matches.traffic_source_id
            and matches.match_rank = 1

)

select * from final
