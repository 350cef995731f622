{#- A one-way hash of a personal-data value (lower-cased and trimmed first, so the
    same email always gives the same hash), salted with var pii_hash_salt. The
    raw value never leaves staging; only this hash does. -#}
{% macro hash_pii(column_name) -%}
    {{ return(adapter.dispatch('hash_pii', 'ecommerce_kpi')(column_name)) }}
{%- endmacro %}

{% macro default__hash_pii(column_name) -%}
    case when {{ column_name }} is not null then
        {{ dbt.hash(dbt.concat(["'" ~ var('pii_hash_salt', '') ~ "'", "lower(trim(" ~ column_name ~ "))"])) }}
    end
{%- endmacro %}

{% macro duckdb__hash_pii(column_name) -%}
    case when {{ column_name }} is not null then
        sha256('{{ var("pii_hash_salt", "") }}' || lower(trim({{ column_name }})))
    end
{%- endmacro %}

{#- the same hex SHA-256 as DuckDB's sha256(), so hashes agree across engines -#}
{% macro postgres__hash_pii(column_name) -%}
    case when {{ column_name }} is not null then
        encode(sha256(convert_to('{{ var("pii_hash_salt", "") }}' || lower(trim({{ column_name }})), 'UTF8')), 'hex')
    end
{%- endmacro %}

{#- Spark: sha2(..., 256) is the same hex SHA-256 of the UTF-8 bytes -#}
{% macro spark__hash_pii(column_name) -%}
    case when {{ column_name }} is not null then
        sha2('{{ var("pii_hash_salt", "") }}' || lower(trim({{ column_name }})), 256)
    end
{%- endmacro %}
