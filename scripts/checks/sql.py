"""SQL helpers of the house rules: strip jinja, comments and strings; split into CTEs;
find hard-coded relations and var() calls; read macro signatures."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_JINJA_CONFIG = re.compile(r"\{\{-?\s*config\s*\(.*?\)\s*-?\}\}", re.DOTALL)
_RELATION_CALL = re.compile(r"\{\{-?\s*(?P<call>(?:ref|source)\s*\([^()]*\))\s*-?\}\}", re.DOTALL)
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)
_SQL_NOISE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)
_CALL_TOKEN = re.compile(r"__dbtcall(\d+)__")


def _blank(text: str, keep: str = " ") -> str:
    """Replace text by `keep`, keeping its line breaks so that line numbers hold."""
    return keep + "\n" * text.count("\n")


def normalise_sql(raw: str) -> tuple[str, list[str]]:
    """Raw dbt SQL without jinja, comments or string contents.

    Each `{{ ref(...) }}` / `{{ source(...) }}` becomes a token `__dbtcallN__`
    (N indexes the returned list of calls); other `{{ }}` become `__jinja__`;
    `{% %}`, `{# #}`, comments and `{{ config() }}` are blanked; strings become ''.
    """
    calls: list[str] = []

    def call_token(match: re.Match[str]) -> str:
        calls.append(re.sub(r"\s+", "", match.group("call")).replace('"', "'"))
        return _blank(match.group(), f" __dbtcall{len(calls) - 1}__ ")

    sql = _JINJA_COMMENT.sub(lambda m: _blank(m.group()), raw)
    sql = _JINJA_CONFIG.sub(lambda m: _blank(m.group()), sql)
    sql = _RELATION_CALL.sub(call_token, sql)
    sql = _JINJA_EXPRESSION.sub(lambda m: _blank(m.group(), " __jinja__ "), sql)
    sql = _JINJA_STATEMENT.sub(lambda m: _blank(m.group()), sql)
    sql = _SQL_NOISE.sub(lambda m: _blank(m.group(), "''" if m.group().startswith("'") else " "), sql)
    return sql, calls


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@dataclass(frozen=True)
class Cte:
    name: str
    body: str
    offset: int  # where the body starts in the normalised SQL


@dataclass(frozen=True)
class SqlShape:
    ctes: list[Cte]
    final: str
    final_offset: int


_WITH = re.compile(r"\s*(?:__jinja__\s*)*with\s+(?:recursive\s+)?", re.IGNORECASE)
_CTE_HEAD = re.compile(
    r'\s*(?P<name>"[^"]+"|\w+)\s*(?:\([^()]*\)\s*)?as\s*(?:(?:not\s+)?materialized\s*)?\(',
    re.IGNORECASE,
)
_COMMA = re.compile(r"\s*,")


def _matching_paren(sql: str, open_at: int) -> int | None:
    depth = 0
    for index in range(open_at, len(sql)):
        if sql[index] == "(":
            depth += 1
        elif sql[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return None


def split_ctes(sql: str) -> SqlShape | None:
    """The top-level CTEs and final statement of normalised SQL (None if it cannot be parsed)."""
    ctes: list[Cte] = []
    pos = 0
    opening = _WITH.match(sql)
    if opening:
        pos = opening.end()
        while True:
            head = _CTE_HEAD.match(sql, pos)
            if not head:
                return None
            open_at = head.end() - 1
            close_at = _matching_paren(sql, open_at)
            if close_at is None:
                return None
            ctes.append(
                Cte(
                    head.group("name").strip('"').lower(),
                    sql[open_at + 1 : close_at],
                    open_at + 1,
                )
            )
            pos = close_at + 1
            comma = _COMMA.match(sql, pos)
            if not comma:
                break
            pos = comma.end()
    return SqlShape(ctes, sql[pos:], pos)


_IMPORT_CTE = re.compile(
    r"\s*select\s+\*\s+from\s+__dbtcall\d+__(?:\s+(?:as\s+)?(?!where\b)\w+)?(?:\s+where\b.*)?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SELECT_STAR = re.compile(r"\bselect\s+(?:distinct\s+)?\*", re.IGNORECASE)
_FINAL_SELECT_STAR = re.compile(r"\s*select\s+\*\s+from\s+(?P<name>\w+)\s*;?\s*$", re.IGNORECASE)


def is_import_cte(cte: Cte) -> bool:
    """`select * from {{ ref(...) }}` (or source), optionally aliased and filtered."""
    return bool(_IMPORT_CTE.match(cte.body))


_PART = r'(?:"[^"\n]+"|\w+)'
_THREE_PART = re.compile(rf"{_PART}\s*\.\s*{_PART}\s*\.\s*{_PART}")
# `from` inside these functions is not a relation: extract(year from x.y)
_FUNCTION_FROM = re.compile(r"\b(?:extract|trim|substring|overlay|position)\s*\([^()]*$", re.IGNORECASE)


def hard_coded_relations(sql: str, schemas: Sequence[str]) -> list[tuple[int, str]]:
    """(line, relation) of each hard-coded relation in normalised SQL."""
    alternatives = "|".join(re.escape(s) for s in schemas)
    pattern = re.compile(
        rf'\b(?:from|join)\s+(?P<rel>(?:{_PART}\s*\.\s*)?"?\b(?:{alternatives})\b"?\s*\.\s*{_PART})',
        re.IGNORECASE,
    )
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(sql):
        if _FUNCTION_FROM.search(sql[max(0, match.start() - 80) : match.start()]):
            continue
        spans.append(match.span("rel"))
        found.append((line_of(sql, match.start("rel")), re.sub(r"\s+", "", match.group("rel"))))
    for match in _THREE_PART.finditer(sql):
        overlaps = any(start < match.end() and match.start() < end for start, end in spans)
        if '"' in match.group() and not overlaps:
            found.append((line_of(sql, match.start()), re.sub(r"\s+", "", match.group())))
    return sorted(found)


_VAR_CALL = re.compile(r"\bvar\s*\(")


def var_calls(text: str) -> list[int]:
    """Lines of each `var(` call in jinja/SQL text (jinja comments left out)."""
    text = _JINJA_COMMENT.sub(lambda m: _blank(m.group()), text)
    return [line_of(text, match.start()) for match in _VAR_CALL.finditer(text)]


_MACRO_HEADER = re.compile(
    r"\{%-?\s*(?P<kind>macro|test|materialization)\s+\w+\s*\((?P<args>.*?)\)\s*-?%\}",
    re.DOTALL,
)


def _split_arguments(signature: str) -> list[str]:
    """Argument names of a jinja macro signature (`a, b=['x', 'y'], c=none`)."""
    names, depth, current = [], 0, ""
    for char in signature + ",":
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            name = current.split("=", 1)[0].strip()
            if name:
                names.append(name)
            current = ""
        else:
            current += char
    return names


def macro_arguments(macro: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The macro's argument names (from its signature, else the manifest) and whether it is a generic test."""
    header = _MACRO_HEADER.search(macro.get("macro_sql") or "")
    if header:
        return _split_arguments(header.group("args")), header.group("kind") == "test"
    is_test = macro["name"].startswith("test_")
    return [a.get("name", "") for a in macro.get("arguments") or []], is_test
