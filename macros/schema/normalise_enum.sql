{#- A vocabulary value normalised: lower-cased and trimmed; a value outside
    `allowed` becomes `fallback` (default 'other') rather than being dropped, and
    a missing value stays NULL unless `missing` is given. -#}
{% macro normalise_enum(column_name, allowed, fallback='other', missing=none) -%}
    {%- set quoted = [] -%}
    {%- for value in allowed -%}{%- do quoted.append("'" ~ value ~ "'") -%}{%- endfor -%}
    case
        when {{ column_name }} is null or trim({{ column_name }}) = ''
            then {% if missing is none %}null{% else %}'{{ missing }}'{% endif %}
        when lower(trim({{ column_name }})) in ({{ quoted | join(', ') }})
            then lower(trim({{ column_name }}))
        else '{{ fallback }}'
    end
{%- endmacro %}
