{#- The lookback-window predicate of the rows a daily run tests, else '' (every
    row). Three kinds of relation are limited on a daily run:
    - an incremental model: the rows it rebuilt, by its config meta
      `rebuilt_rows_date_column` (required);
    - a staging view that names a `rebuilt_rows_date_column` in its config meta:
      the rows of the newest days, as for the incremental models that read it;
    - a source table with a `loaded_at_field`: the rows of the newest days by that
      field. The loader checked every row of the delivery against the contract
      before the run, and the full test checks them again (D285).
    Rows whose date is NULL are always kept. -#}
{% macro rebuilt_rows_filter(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or tests_scope() != 'rebuilt' -%}
        {{ return('') }}
    {%- endif -%}
    {#- one lookup by unique id, not a loop over the graph: this runs for every
        generic test of the run (a model's relation is named after it; a model
        with an alias is not found, and its tests read every row) -#}
    {%- set identifier = relation.identifier | default('', true) | lower -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ identifier) -%}
    {%- set column = none -%}
    {%- if node and (node.alias or node.name) | lower == identifier -%}
        {%- set column = node.config.meta.get('rebuilt_rows_date_column') -%}
        {%- if node.config.materialized == 'incremental' and not column -%}
            {{ exceptions.raise_compiler_error(
                "Incremental model " ~ node.name ~ " has no config meta rebuilt_rows_date_column: "
                ~ "the date column its daily-run tests are limited to (macros/incremental/rebuilt_rows_filter.sql)"
            ) }}
        {%- endif -%}
        {%- if column and node.config.materialized not in ('incremental', 'view') -%}
            {{ exceptions.raise_compiler_error(
                "Model " ~ node.name ~ " is a " ~ node.config.materialized ~ ": only incremental models and "
                ~ "views limit their daily-run tests (config meta rebuilt_rows_date_column)"
            ) }}
        {%- endif -%}
    {%- elif not node -%}
        {#- a source table: the relation's schema and identifier (19 tables; no lookup by id) -#}
        {%- for source in graph.sources.values()
            if source.package_name == project_name
            and (source.identifier or source.name) | lower == identifier
            and source.schema | lower == (relation.schema | default('', true) | lower) -%}
            {%- set column = source.loaded_at_field or source.config.get('loaded_at_field') -%}
            {%- if column -%}
                {{ return(rebuilt_rows_predicate(relation, column)) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if column -%}
        {{ return(rebuilt_rows_predicate(relation, column)) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
