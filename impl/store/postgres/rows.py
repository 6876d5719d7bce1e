"""Writing many rows to PostgreSQL in one statement: binary COPY (the engine's batches write thousands at a time).

The binary format needs each column's type: `TYPES` holds them for the tables written this way, in the column
order their callers name (they must agree with migrations/0001_schema.sql)."""

from __future__ import annotations

import psycopg

TYPES = {
    "fills": ["text", "text", "text", "text", "text", "text", "int8", "int8", "int8", "int8", "text", "int8"],
    "journal_entries": ["int8", "text", "text", "int8"],
    "postings": ["int8", "text", "text", "text", "int8"],
    "outbox": ["int8", "int8", "bytea"],
    "trades": ["text", "text", "int8", "int8", "text", "int8"],
}


def copy_rows(cur: psycopg.Cursor, table: str, columns: str, rows) -> None:
    """COPY `rows` into `table` (the fastest bulk insert; a constraint broken raises at the end, as an INSERT's)."""
    rows = rows if isinstance(rows, list) else list(rows)
    if rows:
        with cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(TYPES[table])
            for row in rows:
                copy.write_row(row)
