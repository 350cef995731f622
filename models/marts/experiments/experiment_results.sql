{#- Experiment readout: one row per experiment and variant, each non-control
    variant compared with `control`. Conversion = assigned visitors with a
    purchase session in the window after assignment (int_experiment_visitors_measured);
    revenue per visitor = GMV of those purchases / assigned visitors.
    Statistics (docs block experiment_results_method): sample-ratio chi-square
    against the expected split, two-proportion z-test (pooled SE) for the
    p-value and unpooled SE for the 95% CI, Welch's t-test for revenue per
    visitor with the normal approximation of t, relative-lift CIs on the log of
    the ratio (delta method). -#}
{%- set z95 = 1.959963984540054 -%}
{%- set double = kpi_type_double() -%}
{%- set srm_p_value = chi_square_p_value('srm_chi_square', 'srm_degrees_of_freedom') -%}
with

visitors as (

    select * from {{ ref('int_experiment_visitors_measured') }}

),

variant_totals as (

    select
        experiment_id,
        variant,
        max(case when is_control then 1 else 0 end) = 1 as is_control,
        min(window_start_at) as window_start_at,
        max(window_end_at) as window_end_at,
        count(*) as assigned_visitors,
        cast(sum(sessions) as {{ dbt.type_bigint() }}) as sessions,
        cast(sum(purchase_sessions) as {{ dbt.type_bigint() }}) as purchase_sessions,
        cast(sum(case when is_converted then 1 else 0 end) as {{ dbt.type_bigint() }}) as converted_visitors,
        sum(gmv) as gmv,
        sum(net_revenue) as net_revenue,
        sum(cast(gmv as {{ double }}) * cast(gmv as {{ double }})) as gmv_sum_of_squares,
        -- expected-split weight: var experiment_variant_weights, else equal
        {{ experiment_split_weight('experiment_id', 'variant') }} as split_weight
    from visitors
    group by experiment_id, variant

),

variant_rates as (

    select
        totals.*,
        cast(sum(totals.assigned_visitors) over (partition by totals.experiment_id) as {{ dbt.type_bigint() }})
            as experiment_visitors,
        count(*) over (partition by totals.experiment_id) as variant_count,
        totals.split_weight / sum(totals.split_weight) over (partition by totals.experiment_id) as expected_share,
        cast(totals.converted_visitors as {{ double }}) / totals.assigned_visitors as conversion_rate,
        cast(totals.purchase_sessions as {{ double }}) / nullif(totals.sessions, 0) as session_conversion_rate,
        cast(totals.gmv as {{ double }}) / totals.assigned_visitors as revenue_per_visitor,
        -- sample variance of revenue per visitor (visitors without a purchase count as 0)
        (totals.gmv_sum_of_squares - cast(totals.gmv as {{ double }}) * totals.gmv / totals.assigned_visitors)
        / nullif(totals.assigned_visitors - 1, 0) as revenue_variance
    from variant_totals as totals

),

split_checked as (

    select
        variant_rates.*,
        variant_rates.expected_share * variant_rates.experiment_visitors as expected_visitors,
        power(variant_rates.assigned_visitors - variant_rates.expected_share * variant_rates.experiment_visitors, 2)
        / nullif(variant_rates.expected_share * variant_rates.experiment_visitors, 0) as srm_chi_square_term
    from variant_rates

),

controls as (

    select
        experiment_id,
        assigned_visitors as control_visitors,
        converted_visitors as control_converted_visitors,
        conversion_rate as control_conversion_rate,
        revenue_per_visitor as control_revenue_per_visitor,
        revenue_variance as control_revenue_variance
    from variant_rates
    where is_control

),

compared as (

    select
        split_checked.*,
        sum(split_checked.srm_chi_square_term) over (partition by split_checked.experiment_id) as srm_chi_square,
        split_checked.variant_count - 1 as srm_degrees_of_freedom,
        controls.control_visitors,
        controls.control_conversion_rate,
        controls.control_revenue_per_visitor,
        controls.control_revenue_variance,
        cast(split_checked.assigned_visitors as {{ double }})
        / split_checked.experiment_visitors as actual_share,
        -- pooled conversion rate of the two groups (for the test's SE under H0)
        cast(split_checked.converted_visitors + controls.control_converted_visitors as {{ double }})
        / (split_checked.assigned_visitors + controls.control_visitors) as pooled_conversion_rate,
        -- Welch: each group's variance of the mean
        split_checked.revenue_variance / split_checked.assigned_visitors as revenue_mean_variance,
        controls.control_revenue_variance / controls.control_visitors as control_revenue_mean_variance
    from split_checked
    left join controls
        on split_checked.experiment_id = controls.experiment_id
            and not split_checked.is_control

),

standard_errors as (

    select
        compared.*,
        compared.conversion_rate - compared.control_conversion_rate as conversion_lift,
        compared.conversion_rate / nullif(compared.control_conversion_rate, 0) - 1 as conversion_relative_lift,
        sqrt(
            compared.pooled_conversion_rate * (1 - compared.pooled_conversion_rate)
            * (1.0 / compared.assigned_visitors + 1.0 / compared.control_visitors)
        ) as conversion_pooled_se,
        sqrt(
            compared.conversion_rate * (1 - compared.conversion_rate) / compared.assigned_visitors
            + compared.control_conversion_rate * (1 - compared.control_conversion_rate) / compared.control_visitors
        ) as conversion_unpooled_se,
        -- SE of ln(p_t / p_c) (delta method)
        sqrt(
            (1 - compared.conversion_rate) / nullif(compared.assigned_visitors * compared.conversion_rate, 0)
            + (1 - compared.control_conversion_rate) / nullif(compared.control_visitors * compared.control_conversion_rate, 0)
        ) as conversion_log_ratio_se,
        compared.revenue_per_visitor - compared.control_revenue_per_visitor as revenue_per_visitor_lift,
        compared.revenue_per_visitor / nullif(compared.control_revenue_per_visitor, 0) - 1 as revenue_per_visitor_relative_lift,
        sqrt(compared.revenue_mean_variance + compared.control_revenue_mean_variance) as revenue_welch_se,
        -- SE of ln(m_t / m_c) (delta method)
        sqrt(
            compared.revenue_mean_variance / nullif(compared.revenue_per_visitor * compared.revenue_per_visitor, 0)
            + compared.control_revenue_mean_variance
            / nullif(compared.control_revenue_per_visitor * compared.control_revenue_per_visitor, 0)
        ) as revenue_log_ratio_se,
        -- Welch-Satterthwaite degrees of freedom
        power(compared.revenue_mean_variance + compared.control_revenue_mean_variance, 2)
        / nullif(
            power(compared.revenue_mean_variance, 2) / nullif(compared.assigned_visitors - 1, 0)
            + power(compared.control_revenue_mean_variance, 2) / nullif(compared.control_visitors - 1, 0),
            0
        ) as welch_degrees_of_freedom
    from compared

),

tested as (

    select
        standard_errors.*,
        standard_errors.conversion_lift / nullif(standard_errors.conversion_pooled_se, 0) as conversion_z_score,
        standard_errors.revenue_per_visitor_lift / nullif(standard_errors.revenue_welch_se, 0) as welch_t_statistic
    from standard_errors

),

final as (

    select
        -- ids
        {{ surrogate_key(['experiment_id', 'variant']) }} as experiment_variant_id,
        experiment_id,
        variant,
        is_control,

        -- window (UTC)
        window_start_at,
        window_end_at,

        -- split and sample-ratio check
        assigned_visitors,
        experiment_visitors,
        {{ round_statistic('expected_share') }} as expected_share,
        {{ round_statistic('expected_visitors') }} as expected_visitors,
        {{ round_statistic('actual_share') }} as actual_share,
        {{ round_statistic('srm_chi_square') }} as srm_chi_square,
        srm_degrees_of_freedom,
        {{ round_statistic(srm_p_value) }} as srm_p_value,
        {{ srm_p_value }} < {{ setting('experiment_srm_alpha') }} as has_sample_ratio_mismatch,

        -- outcomes
        sessions,
        purchase_sessions,
        session_conversion_rate,
        converted_visitors,
        conversion_rate,
        gmv,
        net_revenue,
        revenue_per_visitor,
        {{ round_statistic('sqrt(revenue_variance)') }} as revenue_per_visitor_sd,

        -- conversion vs control: two-proportion z-test
        control_conversion_rate,
        {{ lift_with_intervals('conversion', 'conversion_unpooled_se', 'conversion_log_ratio_se', z95) }},
        {{ round_statistic('conversion_z_score') }} as conversion_z_score,
        {{ round_statistic('2 * (1 - ' ~ normal_cdf('abs(conversion_z_score)') ~ ')') }} as conversion_p_value,

        -- revenue per visitor vs control: Welch's t-test (normal approximation)
        control_revenue_per_visitor,
        {{ lift_with_intervals('revenue_per_visitor', 'revenue_welch_se', 'revenue_log_ratio_se', z95) }},
        {{ round_statistic('welch_t_statistic') }} as welch_t_statistic,
        {{ round_statistic('welch_degrees_of_freedom') }} as welch_degrees_of_freedom,
        {{ round_statistic('2 * (1 - ' ~ normal_cdf('abs(welch_t_statistic)') ~ ')') }} as revenue_per_visitor_p_value

    from tested

)

select * from final
