"""Stand-ins for dbt's cross-database macros, for sqlfluff's jinja templater only.

sqlfluff lints the project without a database; these return DuckDB-shaped SQL of
the same form as dbt's own macros so the rendered SQL parses.
"""


def type_string() -> str:
    return "varchar"


def type_int() -> str:
    return "integer"


def type_bigint() -> str:
    return "bigint"


def type_numeric() -> str:
    return "numeric(28, 6)"


def type_timestamp() -> str:
    return "timestamp"


def type_float() -> str:
    return "double"


def type_boolean() -> str:
    return "boolean"


def hash(field: str) -> str:  # noqa: A001 - mirrors dbt.hash
    return f"md5(cast({field} as varchar))"


def concat(fields: list[str]) -> str:
    return " || ".join(fields)


def safe_cast(field: str, type_: str) -> str:
    return f"try_cast({field} as {type_})"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"


def dateadd(datepart: str, interval: str | int, from_date_or_timestamp: str) -> str:
    return f"({from_date_or_timestamp} + interval ({interval}) {datepart})"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def current_timestamp() -> str:
    return "now()"


def generate_series(upper_bound: int) -> str:
    return f"select generate_series as generated_number from generate_series(1, {upper_bound})"


def position(substring_text: str, string_text: str) -> str:
    return f"position({substring_text} in {string_text})"


def split_part(string_text: str, delimiter_text: str, part_number: str | int) -> str:
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def length(expression: str) -> str:
    return f"length({expression})"


def replace(field: str, old_chars: str, new_chars: str) -> str:
    return f"replace({field}, {old_chars}, {new_chars})"
