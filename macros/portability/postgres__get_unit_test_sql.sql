{#- dbt's unit-test query, for PostgreSQL: numeric columns of both the actual and
    the expected rows go through trim_scale(). dbt compares the two row sets as
    text, and PostgreSQL's numeric keeps the scale its arithmetic produced
    (1.1000000000, 0.000000, or 0 in the same column), so the fixtures' plain
    numbers (1.1, 0) would never match; trim_scale keeps the value and drops the
    trailing zeros on both sides. DuckDB and other engines use dbt's own version. -#}
{% macro postgres__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
{%- set numeric_columns = [] -%}
{%- for column in adapter.get_column_schema_from_query(main_sql) -%}
    {%- if column.dtype | lower in ['numeric', 'decimal'] -%}
        {%- do numeric_columns.append(column.name | lower) -%}
    {%- endif -%}
{%- endfor -%}
{%- set selected = [] -%}
{%- for name in expected_column_names -%}
    {%- if name | replace('"', '') | lower in numeric_columns -%}
        {%- do selected.append('trim_scale(' ~ name ~ ') as ' ~ name) -%}
    {%- else -%}
        {%- do selected.append(name) -%}
    {%- endif -%}
{%- endfor -%}
-- Build actual result given inputs
with dbt_internal_unit_test_actual as (
  select
    {{ selected | join(', ') }}, {{ dbt.string_literal("actual") }} as {{ adapter.quote("actual_or_expected") }}
  from (
    {{ main_sql }}
  ) _dbt_internal_unit_test_actual
),
-- Build expected result
dbt_internal_unit_test_expected as (
  select
    {{ selected | join(', ') }}, {{ dbt.string_literal("expected") }} as {{ adapter.quote("actual_or_expected") }}
  from (
    {{ expected_fixture_sql }}
  ) _dbt_internal_unit_test_expected
)
-- Union actual and expected results
select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected
{%- endmacro %}
