{#- Which rows the data tests of incremental models read: 'all' (the default:
    `make test`, full refreshes, any build) or 'rebuilt' (a daily run: only the
    rows every daily run rebuilds, see get_where_subquery). Taken from the
    environment variable KPI_TESTS_SCOPE, not a dbt var: a changed var makes
    dbt re-parse the whole project (about 40 s here), which would cost a daily
    run more than its tests. Read only while executing, so parsing never
    records it. Any other value stops the run. -#}
{% macro tests_scope() -%}
    {%- set scope = env_var('KPI_TESTS_SCOPE', 'all') | trim | lower -%}
    {%- if scope not in ('all', 'rebuilt') -%}
        {{ exceptions.raise_compiler_error(
            "KPI_TESTS_SCOPE = '" ~ env_var('KPI_TESTS_SCOPE', '') ~ "' is not a tests scope: "
            ~ "expected 'all' (every row; the default) or 'rebuilt' (a daily run: incremental models' rebuilt rows)"
        ) }}
    {%- endif -%}
    {{ return(scope) }}
{%- endmacro %}
