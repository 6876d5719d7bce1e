"""Writing many rows to SQLite in few statements (the engine's batches write thousands at a time)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from itertools import chain

CHUNK_ROWS = 256  # rows per multi-row INSERT (stays under SQLite's 32766 bound variables at 24 columns)


def insert_rows(db: sqlite3.Connection, head: str, width: int, rows: Iterable[tuple], tail: str = "") -> None:
    """`head VALUES (?,…),(?,…)… tail` for `rows` of `width` values, CHUNK_ROWS rows per statement. One statement
    per chunk instead of one per row: sqlite3 releases the GIL around every statement it steps, and in a process
    whose event loop is busy each release costs a wait to get it back (tools/bench/durable.py measures it)."""
    rows = rows if isinstance(rows, list) else list(rows)
    one = "(" + ",".join("?" * width) + ")"
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        db.execute(f"{head} VALUES {','.join([one] * len(chunk))} {tail}", list(chain.from_iterable(chunk)))
