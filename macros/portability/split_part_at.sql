{#- The part of a delimited string at a 1-based position given by a column or
    expression. dbt.split_part takes only a literal position on PostgreSQL (its
    postgres__ version compares the position with 0 at compile time); DuckDB and
    PostgreSQL both have split_part(string, delimiter, n) for any n. -#}
{% macro split_part_at(string_text, delimiter_text, position_expression) -%}
    {{ return(adapter.dispatch('split_part_at', 'ecommerce_kpi')(string_text, delimiter_text, position_expression)) }}
{%- endmacro %}

{% macro default__split_part_at(string_text, delimiter_text, position_expression) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, cast({{ position_expression }} as integer))
{%- endmacro %}

{% macro spark__split_part_at(string_text, delimiter_text, position_expression) -%}
    {#- Spark's split() takes a regular expression: quote the delimiter -#}
    element_at(split({{ string_text }}, concat('\\Q', {{ delimiter_text }}, '\\E')), {{ position_expression }})
{%- endmacro %}
