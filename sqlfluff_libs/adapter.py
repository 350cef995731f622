"""Stand-in for dbt's `adapter` object, for sqlfluff's jinja templater only.

`adapter.dispatch(name, namespace)(args)` renders as a plain SQL function call
`name(args)`, which parses like the engine-specific expression dbt would put there.
"""

from collections.abc import Callable


def dispatch(macro_name: str, macro_namespace: str | None = None) -> Callable[..., str]:
    def render(*args: object, **kwargs: object) -> str:
        return f"{macro_name}({', '.join(str(a) for a in args)})"

    return render
