"""Stand-in for dbt's `adapter` object, for sqlfluff's jinja templater only.

`adapter.dispatch(name, namespace)(args)` renders as a plain SQL function call
`name(args)`, which parses like the engine-specific expression dbt would put there.
A dispatched macro that renders a whole query (a CTE body) rather than an
expression renders as `select * from name` instead.
"""

from collections.abc import Callable


# dispatched macros that render a query, not an expression
QUERY_MACROS = frozenset({"markov_absorbed"})


def dispatch(macro_name: str, macro_namespace: str | None = None) -> Callable[..., str]:
    def render(*args: object, **kwargs: object) -> str:
        if macro_name in QUERY_MACROS:
            return f"select * from {macro_name}"
        return f"{macro_name}({', '.join(str(a) for a in args)})"

    return render
