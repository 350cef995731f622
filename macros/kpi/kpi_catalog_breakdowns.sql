{% macro kpi_catalog_breakdowns(kpi_ids) -%}
{#- The breakdowns of each KPI in `kpi_ids`, as the catalog (seed
    kpi_definitions, column breakdowns) lists them: a mapping kpi_id -> list of
    dimension names, without 'total'. The one place breakdowns are configured;
    a model computes only the dimensions its KPIs are listed with. The user
    switches narrow it: kpi_breakdowns false keeps none, kpi_breakdowns_only
    (a list) keeps only those names. An id the catalog does not hold (an aux_*
    component) maps to []. Read from the seed's table at compile time, so the
    calling model declares `-- depends_on: {{ ref('kpi_definitions') }}`; when
    nothing is executed (parsing, the linter) every KPI maps to []. A unit
    test reads the built seed too (build it first: dbt build does). -#}
    {%- set result = {} -%}
    {%- for kpi_id in kpi_ids -%}
        {%- do result.update({kpi_id: []}) -%}
    {%- endfor -%}
    {%- if not execute -%}
        {{ return(result) }}
    {%- endif -%}
    {%- if graph.nodes is defined -%}
        {%- set seed = graph.nodes['seed.' ~ project_name ~ '.kpi_definitions'] -%}
        {%- set location = {'database': seed.database, 'schema': seed.schema, 'identifier': seed.alias} -%}
    {%- else -%}
        {#- a unit test, whose graph is empty: the seed where dbt_project.yml puts seeds (+schema: staging) -#}
        {%- set location = {
            'database': target.database,
            'schema': generate_schema_name('staging', none) | trim,
            'identifier': 'kpi_definitions',
        } -%}
    {%- endif -%}
    {%- set relation = adapter.get_relation(**location) -%}
    {%- if relation is none -%}
        {{ exceptions.raise_compiler_error(
            "The KPI breakdowns come from the seed kpi_definitions, which is not in the warehouse yet: "
            ~ "run `dbt seed --select kpi_definitions` (dbt build does it first)"
        ) }}
    {%- endif -%}
    {%- set is_on = setting_value('kpi_breakdowns') -%}
    {%- set only = setting_value('kpi_breakdowns_only') -%}
    {%- set rows = run_query('select kpi_id, breakdowns from ' ~ relation) -%}
    {%- for row in rows.rows if row[0] in result -%}
        {%- set names = (row[1] or 'total').split('|') | reject('equalto', 'total') | list if is_on else [] -%}
        {%- do result.update({row[0]: names if only is none else names | select('in', only) | list}) -%}
    {%- endfor -%}
    {{ return(result) }}
{%- endmacro %}
