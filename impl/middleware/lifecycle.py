"""Lifecycle headers: every response of a deprecated operation says so, and says when it goes away.

For an operation the spec marks `deprecated: true` (through the generated operation table: `deprecated`,
`deprecated_at` from `x-cooud-deprecated-at`, `sunset` from `x-cooud-sunset`, both RFC 3339 full dates) every
response — success or error, replays included — gets
- `Deprecation: @<unix seconds>` (RFC 9745: a structured-field Date, midnight UTC of `deprecated_at`),
- `Sunset: <IMF-fixdate>` (RFC 8594: midnight UTC of `sunset`, e.g. `Mon, 01 Feb 2027 00:00:00 GMT`),
- `Link: <https://api.cooud.exchange/docs/changelog>; rel="deprecation"` (RFC 9745 §3: where to read about it).
A header whose date is missing from the table is left out (tools/lifecycle.py makes that a failing check).

The edge (impl/edge/pipeline.py) stamps them on every answer of a routed operation, errors and 429s included,
from the table values compiled at start-up (impl/edge/compiled.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import lru_cache

CHANGELOG_URL = "https://api.cooud.exchange/docs/changelog"
LINK_VALUE = f'<{CHANGELOG_URL}>; rel="deprecation"'


def _midnight_utc(full_date: str) -> datetime:
    """Midnight UTC of an RFC 3339 full date (`2026-12-01`); ValueError when it is not one."""
    day = date.fromisoformat(full_date)
    if len(full_date) != 10:  # fromisoformat also takes `20261201`
        raise ValueError(f"not an RFC 3339 full date: {full_date!r}")
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def deprecation_value(deprecated_at: str) -> str:
    """RFC 9745 `Deprecation` value: `@` + unix seconds of midnight UTC of the date."""
    return f"@{int(_midnight_utc(deprecated_at).timestamp())}"


def sunset_value(sunset: str) -> str:
    """RFC 8594 `Sunset` value: the IMF-fixdate (RFC 9110 §5.6.7) of midnight UTC of the date."""
    return format_datetime(_midnight_utc(sunset), usegmt=True)


@lru_cache(maxsize=256)
def lifecycle_headers(deprecated: bool, deprecated_at: str | None,
                      sunset: str | None) -> tuple[tuple[bytes, bytes], ...]:
    """The headers an operation with these table values adds to its responses (none when not deprecated)."""
    if not deprecated:
        return ()
    headers = []
    if deprecated_at:
        headers.append((b"deprecation", deprecation_value(deprecated_at).encode("latin-1")))
    if sunset:
        headers.append((b"sunset", sunset_value(sunset).encode("latin-1")))
    headers.append((b"link", LINK_VALUE.encode("latin-1")))
    return tuple(headers)
