{#- The value of a setting (dbt var `name`), checked against its rule in
    settings_spec, for jinja logic (loop bounds, lists, flags). A value that
    breaks its rule stops the run with one message naming the setting, its value
    and what was expected. Currency codes come back upper-case and dates as
    'YYYY-MM-DD' text; everything else as given. SQL takes a setting through
    setting(), which renders it as a literal. -#}
{% macro setting_value(name) -%}
    {%- set spec = settings_spec() -%}
    {%- if name not in spec -%}
        {{ exceptions.raise_compiler_error(
            "Unknown setting '" ~ name ~ "': every setting (dbt var) is declared in macros/settings/settings_spec.sql; "
            ~ "known settings: " ~ (spec.keys() | sort | join(', '))
        ) }}
    {%- endif -%}
    {%- if var.has_var is not defined -%}
        {#- sqlfluff's jinja templater, whose var() is a stand-in: a value of the right kind -#}
        {%- set rule = spec[name] -%}
        {%- set stand_ins = {
            'timezone': 'UTC', 'currency': 'USD', 'boolean': true, 'date': '2025-01-31',
            'weights': {'e1': {'control': 1, 'treatment': 1}},
            'integer': [rule.get('min', 1), 1] | max, 'number': 0.5, 'names': rule.get('allowed', []),
        } -%}
        {{ return(none if rule.get('nullable') else stand_ins[rule['kind']]) }}
    {%- endif -%}
    {%- if not var.has_var(name) -%}
        {{ exceptions.raise_compiler_error(
            "Setting " ~ name ~ " has no value: give it a default in dbt_project.yml `vars:`"
        ) }}
    {%- endif -%}
    {%- set rule = spec[name] -%}
    {%- set kind = rule['kind'] -%}
    {%- set value = var(name) -%}
    {%- set problem = namespace(expected=none, result=value) -%}

    {%- if value is none and rule.get('nullable', false) -%}
        {{ return(none) }}
    {%- elif kind == 'timezone' -%}
        {%- if not (value is string and value in modules.pytz.all_timezones) -%}
            {%- set problem.expected = 'an IANA time zone name such as UTC, Europe/London or America/New_York' -%}
        {%- endif -%}
    {%- elif kind == 'currency' -%}
        {%- if value is string and (value | upper) in iso_4217_currencies() -%}
            {%- set problem.result = value | upper -%}
        {%- else -%}
            {%- set problem.expected = 'an active ISO-4217 currency code such as USD, EUR or GBP'
                ~ ' (listed in macros/settings/iso_4217_currencies.sql)' -%}
        {%- endif -%}
    {%- elif kind == 'boolean' -%}
        {%- if value is not boolean -%}
            {%- set problem.expected = 'true or false' -%}
        {%- endif -%}
    {%- elif kind in ('integer', 'number') -%}
        {%- set bounds = ('(' if rule.get('exclusive_min') else '[') ~ rule['min'] ~ ', ' ~ rule['max']
            ~ (')' if rule.get('exclusive_max') else ']') -%}
        {%- set is_kind = (value is integer) if kind == 'integer'
            else (value is number and value is not boolean and (value | string) not in ('nan', 'inf', '-inf')) -%}
        {%- if not is_kind
            or value < rule['min'] or (rule.get('exclusive_min') and value == rule['min'])
            or value > rule['max'] or (rule.get('exclusive_max') and value == rule['max']) -%}
            {%- set problem.expected = ('an integer' if kind == 'integer' else 'a number') ~ ' in ' ~ bounds -%}
        {%- endif -%}
    {%- elif kind == 'date' -%}
        {%- set text = value.isoformat() if (value is not string and value.isoformat is defined
            and value.hour is not defined) else value -%}
        {%- set parts = modules.re.match('^([0-9]{4})-([0-9]{2})-([0-9]{2})$', text) if text is string else none -%}
        {%- set valid = false -%}
        {%- if parts -%}
            {%- set year, month, day = parts.group(1) | int, parts.group(2) | int, parts.group(3) | int -%}
            {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
            {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
            {%- set valid = 1900 <= year <= 2999 and 1 <= month <= 12 and 1 <= day <= month_days[month - 1] -%}
        {%- endif -%}
        {%- if valid -%}
            {%- set problem.result = text -%}
        {%- else -%}
            {%- set problem.expected = 'a date YYYY-MM-DD (such as 2025-01-31)' -%}
        {%- endif -%}
    {%- elif kind == 'names' -%}
        {%- if value is string or value is mapping or value is not iterable
            or (value | reject('in', rule['allowed']) | list) -%}
            {%- set problem.expected = 'a list of names out of: ' ~ (rule['allowed'] | join(', ')) -%}
        {%- else -%}
            {%- set problem.result = value | list -%}
        {%- endif -%}
    {%- elif kind == 'weights' -%}
        {%- set result = {} -%}
        {%- set valid = namespace(ok=value is mapping) -%}
        {%- if valid.ok -%}
            {%- for experiment_id, weights in value.items() -%}
                {%- if weights is not mapping or not (experiment_id is string or experiment_id is integer) -%}
                    {%- set valid.ok = false -%}
                {%- else -%}
                    {%- set variants = {} -%}
                    {%- for variant, weight in weights.items() -%}
                        {%- if not (variant is string or variant is integer) or weight is boolean
                            or weight is not number or (weight | string) in ('nan', 'inf')
                            or not weight > 0 -%}
                            {%- set valid.ok = false -%}
                        {%- else -%}
                            {%- do variants.update({variant | string | lower: weight}) -%}
                        {%- endif -%}
                    {%- endfor -%}
                    {%- do result.update({experiment_id | string: variants}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- if valid.ok -%}
            {%- set problem.result = result -%}
        {%- else -%}
            {%- set problem.expected = 'a mapping {experiment_id: {variant: weight}} of positive numbers,'
                ~ ' such as {e1: {control: 1, treatment: 3}}' -%}
        {%- endif -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("settings_spec: setting " ~ name ~ " has an unknown kind '" ~ kind ~ "'") }}
    {%- endif -%}

    {%- if problem.expected is not none -%}
        {%- set shown = 'null' if value is none
            else ('true' if value is sameas true else ('false' if value is sameas false
            else ('"' ~ value ~ '"' if value is string else value | string))) -%}
        {{ exceptions.raise_compiler_error(
            "Setting " ~ name ~ " = " ~ shown ~ " is not valid: expected " ~ problem.expected
            ~ (", or null" if rule.get('nullable') else "")
            ~ ". Set it in dbt_project.yml `vars:` or with --vars."
        ) }}
    {%- endif -%}
    {{ return(problem.result) }}
{%- endmacro %}
