{#- A free-text value with every e-mail address replaced by `[email]` and every
    phone-number-looking run by `[phone]` (DECISIONLOG: PII masking in staging).
    Applied in staging to every column a person or a tool can fill with
    arbitrary text, before any grouping or mapping reads it; NULL stays NULL.

    The patterns avoid backslashes (bracket classes instead), so the same text
    is a valid regular expression in DuckDB (RE2), PostgreSQL (ARE) and Spark
    (Java) and needs no escaping in any engine's string literals. RE2 has no
    look-around: the phone pattern captures the character before (group 1) and
    after (group 3) the number and writes them back, and runs twice, so two
    numbers one character apart are both masked. The patterns are in
    mask_pii_patterns. -#}
{% macro mask_pii(expression) -%}
    {{ return(adapter.dispatch('mask_pii', 'ecommerce_kpi')(expression)) }}
{%- endmacro %}

{#- DuckDB and PostgreSQL: regexp_replace(text, pattern, replacement, 'g'),
    back-references written \1 -#}
{% macro default__mask_pii(expression) -%}
    {%- set patterns = mask_pii_patterns() -%}
    {%- set phone = "'" ~ patterns.phone ~ "'" -%}
    {%- set email_masked = "regexp_replace(" ~ expression ~ ", '" ~ patterns.email ~ "', '[email]', 'g')" -%}
    regexp_replace(
        regexp_replace({{ email_masked }}, {{ phone }}, '\1[phone]\3', 'g'),
        {{ phone }}, '\1[phone]\3', 'g'
    )
{%- endmacro %}

{#- DuckDB: the same replacements, run only on the values that can hold an
    e-mail (an `@` or `%40`) or a phone number (phone_guard): the same result,
    at a fraction of the cost on a web-event log whose URLs and codes hold
    neither (the replacements were most of the time of the models reading
    stg_web__events). -#}
{% macro duckdb__mask_pii(expression) -%}
    {%- set patterns = mask_pii_patterns() -%}
    case
        when strpos({{ expression }}, '@') > 0
            or strpos({{ expression }}, '%40') > 0
            or regexp_matches({{ expression }}, '{{ patterns.phone_guard }}')
            then {{ default__mask_pii(expression) }}
        else {{ expression }}
    end
{%- endmacro %}

{#- Spark: regexp_replace replaces every match; back-references written $1 -#}
{% macro spark__mask_pii(expression) -%}
    {%- set patterns = mask_pii_patterns() -%}
    {%- set phone = "'" ~ patterns.phone ~ "'" -%}
    {%- set email_masked = "regexp_replace(" ~ expression ~ ", '" ~ patterns.email ~ "', '[email]')" -%}
    regexp_replace(
        regexp_replace({{ email_masked }}, {{ phone }}, '$1[phone]$3'),
        {{ phone }}, '$1[phone]$3'
    )
{%- endmacro %}
