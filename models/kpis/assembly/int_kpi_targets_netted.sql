{#- Every explicit target of the kpi_targets seed with what it leaves for its
    own days (DECISIONLOG D48): an additive target less its outermost explicit
    sub-targets (a year of 3.4 M with Nov and Dec set to 0.87 M each leaves
    2.53 M for Jan-Oct). A sub-target is an explicit target of the same KPI
    and breakdown at a finer grain whose period lies inside the target's; it
    is outermost when it lies inside no other such sub-target (a month inside
    an explicit quarter is already part of that quarter). -#}
with

targets as (

    select * from {{ ref('kpi_targets') }}

),

definitions as (

    select * from {{ ref('kpi_definitions') }}

),

explicit_targets as (

    select
        targets.kpi_id,
        targets.grain as target_grain,
        cast(targets.period_start as date) as target_start,
        {{ kpi_period_end('targets.grain', 'cast(targets.period_start as date)') }} as target_end,
        coalesce(targets.dimension, 'total') as dimension,
        coalesce(targets.dimension_value, 'total') as dimension_value,
        cast(targets.target as {{ kpi_type_double() }}) as target,
        case targets.grain when 'month' then 1 when 'quarter' then 2 else 3 end as specificity,
        definitions.aggregation = 'sum' as is_additive,
        definitions.aggregation = 'ratio' as is_rate
    from targets
    inner join definitions
        on targets.kpi_id = definitions.kpi_id

),

nested_targets as (

    -- explicit targets lying inside a coarser explicit target of the same KPI
    -- and breakdown (a month inside a quarter or year, a quarter inside a year)
    select
        parent.kpi_id,
        parent.dimension,
        parent.dimension_value,
        parent.target_grain as parent_grain,
        parent.target_start as parent_start,
        child.target_start as child_start,
        child.target_end as child_end,
        child.specificity as child_specificity,
        child.target as child_target
    from explicit_targets as parent
    inner join explicit_targets as child
        on parent.kpi_id = child.kpi_id
            and parent.dimension = child.dimension
            and parent.dimension_value = child.dimension_value
            and parent.specificity > child.specificity
            and parent.target_start <= child.target_start
            and parent.target_end >= child.target_end

),

outermost_children as (

    -- the nested targets not inside another nested target of the same parent
    select
        nested_targets.kpi_id,
        nested_targets.dimension,
        nested_targets.dimension_value,
        nested_targets.parent_grain,
        nested_targets.parent_start,
        nested_targets.child_target
    from nested_targets
    left join nested_targets as enclosing
        on nested_targets.kpi_id = enclosing.kpi_id
            and nested_targets.dimension = enclosing.dimension
            and nested_targets.dimension_value = enclosing.dimension_value
            and nested_targets.parent_grain = enclosing.parent_grain
            and nested_targets.parent_start = enclosing.parent_start
            and nested_targets.child_specificity < enclosing.child_specificity
            and nested_targets.child_start >= enclosing.child_start
            and nested_targets.child_end <= enclosing.child_end
    where enclosing.kpi_id is null

),

children_totals as (

    select
        kpi_id,
        dimension,
        dimension_value,
        parent_grain,
        parent_start,
        sum(child_target) as children_target
    from outermost_children
    group by
        kpi_id,
        dimension,
        dimension_value,
        parent_grain,
        parent_start

),

final as (

    select
        explicit_targets.kpi_id,
        explicit_targets.target_grain,
        explicit_targets.target_start,
        explicit_targets.target_end,
        explicit_targets.dimension,
        explicit_targets.dimension_value,
        explicit_targets.target,
        explicit_targets.specificity,
        explicit_targets.is_additive,
        explicit_targets.is_rate,
        explicit_targets.target - coalesce(children_totals.children_target, 0) as remaining_target
    from explicit_targets
    left join children_totals
        on explicit_targets.kpi_id = children_totals.kpi_id
            and explicit_targets.dimension = children_totals.dimension
            and explicit_targets.dimension_value = children_totals.dimension_value
            and explicit_targets.target_grain = children_totals.parent_grain
            and explicit_targets.target_start = children_totals.parent_start

)

select * from final
