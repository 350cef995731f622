{#- The start -> conversion probability per scenario (removed_channel) of a
    Markov chain after 2^squarings steps: the transition matrix in relation
    `matrix_0` (removed_channel, from_state, to_state, probability) squared
    `squarings` times, matrix_k being the chain after 2^k steps. Renders a
    query (removed_channel, from_state, to_state, probability) for a CTE body;
    `matrix_0_ctes` is the text of the CTEs defining matrix_0 (used on Spark).
    Probabilities below 1e-30 are dropped at each squaring (read as 0): they
    cannot move the 12-decimal result, and squaring them would underflow the
    double, which PostgreSQL raises as an error instead of rounding to 0. -#}
{% macro markov_absorbed(matrix_0, squarings, matrix_0_ctes) -%}
    {{ return(adapter.dispatch('markov_absorbed', 'ecommerce_kpi')(matrix_0, squarings, matrix_0_ctes)) }}
{%- endmacro %}

{#- One query: the squarings as nested CTEs (DuckDB, PostgreSQL). -#}
{% macro default__markov_absorbed(matrix_0, squarings, matrix_0_ctes) -%}
    with
    {%- for step in range(1, squarings + 1) %}

        matrix_{{ step }} as (

            {{ markov_squaring(matrix_0 if step == 1 else 'matrix_' ~ (step - 1)) }}

        ){{ ',' if not loop.last }}
    {%- endfor %}

    select
        removed_channel,
        from_state,
        to_state,
        probability
    from matrix_{{ squarings }}
    where from_state = 'start' and to_state = 'conversion'
{%- endmacro %}

{#- Spark inlines a CTE read twice into both readers, so the nested squarings
    grow to 2^squarings copies of the plan (10 squarings take 40 s to plan, 20
    run out of memory; cached temporary views do not help, their plans nest
    the same way). On Spark the squarings run as steps: each matrix is written
    to a scratch parquet table (a plain table scan for the next step), the
    previous one dropped, and the few start -> conversion rows of the last one
    are read back and inlined into the model as literals (doubles through their
    exact decimal text); the last scratch table is dropped. matrix_0 is built
    from the model's own CTEs (`matrix_0_ctes`). -#}
{% macro spark__markov_absorbed(matrix_0, squarings, matrix_0_ctes) -%}
    {%- set scratch = this.schema ~ '.' ~ this.identifier ~ '__markov_matrix_' -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for step in range(0, squarings + 1) -%}
            {%- do run_query('drop table if exists ' ~ scratch ~ step) -%}
            {%- if step == 0 -%}
                {%- set query = 'with ' ~ matrix_0_ctes ~ ' select * from ' ~ matrix_0 -%}
            {%- else -%}
                {%- set query = markov_squaring(scratch ~ (step - 1)) -%}
            {%- endif -%}
            {%- do run_query('create table ' ~ scratch ~ step ~ ' using parquet as ' ~ query) -%}
            {%- if step > 0 -%}
                {%- do run_query('drop table if exists ' ~ scratch ~ (step - 1)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set result = run_query(
            'select removed_channel, probability from ' ~ scratch ~ squarings
            ~ " where from_state = 'start' and to_state = 'conversion'"
        ) -%}
        {%- for row in result.rows -%}
            {%- do rows.append(row) -%}
        {%- endfor -%}
        {%- do run_query('drop table if exists ' ~ scratch ~ squarings) -%}
    {%- endif %}
    select
        cast(null as {{ dbt.type_string() }}) as removed_channel,
        'start' as from_state,
        'conversion' as to_state,
        cast(null as double) as probability
    where false
    {%- for row in rows %}
    union all
    select
        {{ "cast(null as " ~ dbt.type_string() ~ ")" if row[0] is none else dbt.string_literal(row[0]) }},
        'start',
        'conversion',
        cast('{{ row[1] }}' as double)
    {%- endfor %}
{%- endmacro %}
