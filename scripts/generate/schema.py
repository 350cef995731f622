"""The tables the generator writes: the raw contract's tables and columns
(``scripts.raw_contract``, the one definition), each column with the Arrow type
it is built with.

The contract's types map to Arrow types; a few columns are built narrower or
with their own decimal scale (``NARROWER``): the data does not change, only
how it is held (and typed in Parquet files)."""

from __future__ import annotations

import pyarrow as pa

from scripts.raw_contract import TABLES

_S = pa.string()
_TS = pa.timestamp("s", tz="UTC")
_D = pa.date32()
_M = pa.decimal128(18, 2)
_I = pa.int64()
_I32 = pa.int32()  # web_events' millisecond counts: 32 bits halve the biggest table's numbers
_B = pa.bool_()
_R6 = pa.decimal128(18, 6)
_D1 = pa.decimal128(12, 1)
_D3 = pa.decimal128(12, 3)

# The Arrow type of each contract type (decimals: money, 2 decimals).
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": _S,
    "timestamp": _TS,
    "date": _D,
    "integer": _I,
    "decimal": _M,
    "boolean": _B,
}
# (table, column) -> Arrow type, where it differs from ARROW_TYPES.
NARROWER: dict[tuple[str, str], pa.DataType] = {
    ("shop_products", "weight_kg"): _D3,
    ("shop_shipments", "distance_km"): _D1,
    ("web_events", "dwell_ms"): _I32,
    ("web_events", "page_load_ms"): _I32,
    ("finance_exchange_rates", "rate_to_reporting"): _R6,
    ("org_headcount", "headcount"): _D1,
}

TABLE_SCHEMAS: dict[str, tuple[tuple[str, pa.DataType], ...]] = {
    name: tuple((c.name, NARROWER.get((name, c.name), ARROW_TYPES[c.type])) for c in spec.columns)
    for name, spec in TABLES.items()
}
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(col for col, _ in cols) for name, cols in TABLE_SCHEMAS.items()
}


def make_table(name: str, cols: dict[str, pa.Array]) -> pa.Table:
    """Assemble a contract table, checking names and casting to the contract types."""
    schema = TABLE_SCHEMAS[name]
    missing = [c for c, _ in schema if c not in cols]
    extra = [c for c in cols if c not in TABLE_COLUMNS[name]]
    if missing or extra:
        raise RuntimeError(f"{name}: missing {missing}, unexpected {extra}")
    arrays = []
    for c, typ in schema:
        a = cols[c]
        is_dict_str = pa.types.is_dictionary(a.type) and a.type.value_type == pa.string()
        arrays.append(a if a.type == typ or (typ == _S and is_dict_str) else a.cast(typ))
    return pa.Table.from_arrays(arrays, names=[c for c, _ in schema])
