{#- Generic test, attached to a model (or seed or source): many column checks in one
    node. The per-row checks (not_null, accepted_values, accepted_range) read the
    model once, in one aggregate of conditional counts; each uniqueness check is one
    group-by. Returns one row per failing check: check_name, column_name,
    failing_rows (how many rows fail it) and example_value (one failing value as
    text); no rows = pass. Semantics are those of the single-column tests it
    replaces: accepted_values and accepted_range ignore NULLs, unique ignores NULLs,
    unique_combination groups NULLs like any value (unique_combination_of_columns).
      not_null:           [column, ...]
      unique:             [column, ...]
      accepted_values:    {column: [value, ...]} or {column: {values: [...], quote: false}}
      accepted_range:     {column: {min_value: .., max_value: .., inclusive: ..}} (bounds
                          optional, may be SQL expressions; inclusive defaults to true)
      unique_combination: [[column, column, ...], ...] -#}
{% test column_checks(
    model,
    not_null=none,
    unique=none,
    accepted_values=none,
    accepted_range=none,
    unique_combination=none
) %}
    {%- set text_type = dbt.type_string() -%}
    {#- per-row checks: (check_name, column_name, failing condition, example of a failing value) -#}
    {%- set row_checks = [] -%}
    {%- for column in (not_null or []) -%}
        {%- do row_checks.append(('not_null', column, column ~ ' is null', none)) -%}
    {%- endfor -%}
    {%- for column, spec in (accepted_values or {}).items() -%}
        {%- if spec is mapping -%}
            {%- set values = spec['values'] -%}
            {%- set quote = spec.get('quote', true) -%}
        {%- else -%}
            {%- set values = spec -%}
            {%- set quote = true -%}
        {%- endif -%}
        {%- set literals = [] -%}
        {%- for value in values -%}
            {%- do literals.append("'" ~ value ~ "'" if quote else value | string) -%}
        {%- endfor -%}
        {%- do row_checks.append((
            'accepted_values',
            column,
            column ~ ' is not null and ' ~ column ~ ' not in (' ~ literals | join(', ') ~ ')',
            column
        )) -%}
    {%- endfor -%}
    {%- for column, spec in (accepted_range or {}).items() -%}
        {%- set inclusive = spec.get('inclusive', true) -%}
        {%- set bounds = [] -%}
        {%- if spec.get('min_value') is not none -%}
            {%- do bounds.append(column ~ (' >= ' if inclusive else ' > ') ~ spec['min_value']) -%}
        {%- endif -%}
        {%- if spec.get('max_value') is not none -%}
            {%- do bounds.append(column ~ (' <= ' if inclusive else ' < ') ~ spec['max_value']) -%}
        {%- endif -%}
        {%- if not bounds -%}
            {{ exceptions.raise_compiler_error('column_checks: accepted_range of ' ~ column ~ ' has no bound') }}
        {%- endif -%}
        {%- do row_checks.append((
            'accepted_range',
            column,
            column ~ ' is not null and not (' ~ bounds | join(' and ') ~ ')',
            column
        )) -%}
    {%- endfor -%}
    {#- uniqueness checks: (check_name, column label, [columns]) -#}
    {%- set group_checks = [] -%}
    {%- for column in (unique or []) -%}
        {%- do group_checks.append(('unique', column, [column])) -%}
    {%- endfor -%}
    {%- for columns in (unique_combination or []) -%}
        {%- do group_checks.append(('unique_combination', columns | join(', '), columns)) -%}
    {%- endfor -%}
    {%- if not row_checks and not group_checks -%}
        {{ exceptions.raise_compiler_error('column_checks: no check given') }}
    {%- endif %}

    with

    {% if row_checks -%}
        row_checks as (

            select
                {%- for check_name, column, fails, example in row_checks %}
                    sum(case when {{ fails }} then 1 else 0 end) as failing_{{ loop.index }},
                    {%- if example is none %}
                        cast(null as {{ text_type }}) as example_{{ loop.index }}{{ ',' if not loop.last }}
                    {%- else %}
                        min(
                            case when {{ fails }} then cast({{ example }} as {{ text_type }}) end
                        ) as example_{{ loop.index }}{{ ',' if not loop.last }}
                    {%- endif %}
                {%- endfor %}
            from {{ model }}

        ),
    {%- endif %}

    {% for check_name, label, columns in group_checks -%}
        duplicates_{{ loop.index }} as (

            select
                {%- for column in columns %}
                    {{ column }},
                {%- endfor %}
                count(*) as n_rows
            from {{ model }}
            {%- if check_name == 'unique' %}
                where {{ columns[0] }} is not null
            {%- endif %}
            group by {{ columns | join(', ') }}
            having count(*) > 1

        ),
    {% endfor -%}

    failures as (

        {%- for check_name, column, fails, example in row_checks %}
            select
                '{{ check_name }}' as check_name,
                '{{ column }}' as column_name,
                failing_{{ loop.index }} as failing_rows,
                example_{{ loop.index }} as example_value
            from row_checks
            {{- '\n            union all' if not loop.last or group_checks }}
        {%- endfor %}
        {%- for check_name, label, columns in group_checks %}
            select
                '{{ check_name }}' as check_name,
                '{{ label }}' as column_name,
                sum(n_rows) as failing_rows,
                min(
                    {%- if columns | length == 1 %}
                        cast({{ columns[0] }} as {{ text_type }})
                    {%- else %}
                        {%- set parts = [] -%}
                        {%- for column in columns -%}
                            {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ text_type ~ "), 'null')") -%}
                            {%- if not loop.last -%}{%- do parts.append("', '") -%}{%- endif -%}
                        {%- endfor %}
                        {{ dbt.concat(parts) }}
                    {%- endif %}
                ) as example_value
            from duplicates_{{ loop.index }}
            {{- '\n            union all' if not loop.last }}
        {%- endfor %}

    )

    select
        check_name,
        column_name,
        failing_rows,
        example_value
    from failures
    where failing_rows > 0
{% endtest %}
