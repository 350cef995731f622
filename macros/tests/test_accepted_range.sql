{#- Generic test: every non-NULL value lies in [min_value, max_value] (bounds
    optional; `inclusive=false` makes them strict). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- set op_min = '>=' if inclusive else '>' -%}
    {%- set op_max = '<=' if inclusive else '<' -%}
    {%- set conditions = ['1 = 1'] -%}
    {%- if min_value is not none -%}
        {%- do conditions.append(column_name ~ ' ' ~ op_min ~ ' ' ~ min_value) -%}
    {%- endif -%}
    {%- if max_value is not none -%}
        {%- do conditions.append(column_name ~ ' ' ~ op_max ~ ' ' ~ max_value) -%}
    {%- endif %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and not ({{ conditions | join(' and ') }})
{% endtest %}
