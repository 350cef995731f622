{#- Every setting (dbt var) of the project with the rule its value must meet:
    the one place that says what each var may hold. The values themselves
    (defaults) are in dbt_project.yml `vars:`; setting_value checks a value
    against its rule here, validate_settings checks them all at the start of
    every run. Kinds: timezone (an IANA name), currency (an ISO-4217 code of
    iso_4217_currencies), boolean, integer / number (min, max; exclusive_min /
    exclusive_max for open bounds), date (YYYY-MM-DD), names (a list drawn from
    `allowed`), weights (a mapping of mappings of positive numbers).
    `nullable`: null is allowed too. -#}
{% macro settings_spec() -%}
    {#- the spelling of every breakdown dimension (tests/test_kpi_catalog.py
        DIMENSIONS); which KPI has which is the catalog's (seed kpi_definitions) -#}
    {%- set dimension_names = [
        'sales_channel', 'traffic_channel_group', 'device_type', 'country_code', 'customer_type',
        'customer_gender', 'acquisition_channel_group', 'product_category', 'ad_channel', 'campaign_id',
        'support_channel', 'support_category', 'shipping_mode', 'carrier', 'warehouse_id', 'payment_method',
        'platform', 'content_type', 'dwell_bucket',
    ] -%}
    {{ return({
        'reporting_timezone': {'kind': 'timezone'},
        'reporting_currency': {'kind': 'currency'},
        'exchange_rates_quote_currency': {'kind': 'currency', 'nullable': true},
        'history_complete': {'kind': 'boolean'},
        'history_warm_up_days': {'kind': 'integer', 'min': 1, 'max': 3660},
        'churn_days': {'kind': 'integer', 'min': 1, 'max': 3660},
        'data_complete_through': {'kind': 'date', 'nullable': true},
        'attribution_lookback_days': {'kind': 'integer', 'min': 1, 'max': 366},
        'attribution_half_life_days': {'kind': 'number', 'min': 0, 'exclusive_min': true, 'max': 366},
        'attribution_markov_squarings': {'kind': 'integer', 'min': 1, 'max': 64},
        'reactivation_lapse_days': {'kind': 'integer', 'min': 1, 'max': 3660},
        'anomaly_window_days': {'kind': 'integer', 'min': 7, 'max': 3660},
        'anomaly_threshold': {'kind': 'number', 'min': 0, 'exclusive_min': true, 'max': 100},
        'anomaly_min_history': {'kind': 'integer', 'min': 1, 'max': 520},
        'forecast_horizon_days': {'kind': 'integer', 'min': 1, 'max': 366},
        'forecast_backtest_weeks': {'kind': 'integer', 'min': 0, 'max': 520},
        'forecast_level_days': {'kind': 'integer', 'min': 1, 'max': 3660},
        'forecast_weekday_window_days': {'kind': 'integer', 'min': 7, 'max': 3660},
        'forecast_interval_coverage': {
            'kind': 'number', 'min': 0, 'exclusive_min': true, 'max': 1, 'exclusive_max': true,
        },
        'forecast_max_mape': {'kind': 'number', 'min': 0, 'exclusive_min': true, 'max': 100},
        'forecast_mape_min_daily_orders': {'kind': 'number', 'min': 0, 'max': 1000000000},
        'experiment_variant_weights': {'kind': 'weights'},
        'experiment_srm_alpha': {
            'kind': 'number', 'min': 0, 'exclusive_min': true, 'max': 1, 'exclusive_max': true,
        },
        'churn_risk_gap_multiple': {'kind': 'number', 'min': 0, 'exclusive_min': true, 'max': 100},
        'churn_risk_min_days': {'kind': 'integer', 'min': 1, 'max': 3660},
        'churn_risk_one_time_share': {
            'kind': 'number', 'min': 0, 'exclusive_min': true, 'max': 1, 'exclusive_max': true,
        },
        'incremental_lookback_days': {'kind': 'integer', 'min': 0, 'max': 366},
        'kpi_breakdowns': {'kind': 'boolean'},
        'kpi_breakdowns_only': {'kind': 'names', 'allowed': dimension_names, 'nullable': true},
    }) }}
{%- endmacro %}
