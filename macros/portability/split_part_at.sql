{#- The part of a delimited string at a 1-based position given by a column or
    expression. dbt.split_part takes only a literal position on PostgreSQL (its
    postgres__ version compares the position with 0 at compile time); DuckDB,
    PostgreSQL and Spark (3.3+) all have split_part(string, delimiter, n) for
    any n, with a literal (not regex) delimiter. The position is cast to integer:
    Spark takes no other type there. -#}
{% macro split_part_at(string_text, delimiter_text, position_expression) -%}
    {{ return(adapter.dispatch('split_part_at', 'ecommerce_kpi')(string_text, delimiter_text, position_expression)) }}
{%- endmacro %}

{% macro default__split_part_at(string_text, delimiter_text, position_expression) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, cast({{ position_expression }} as integer))
{%- endmacro %}
