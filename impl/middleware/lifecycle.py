"""Lifecycle headers: every response of a deprecated operation says so, and says when it goes away.

For an operation the spec marks `deprecated: true` (through the generated operation table: `deprecated`,
`deprecated_at` from `x-cooud-deprecated-at`, `sunset` from `x-cooud-sunset`, both RFC 3339 full dates) every
response — success or error, replays included — gets
- `Deprecation: @<unix seconds>` (RFC 9745: a structured-field Date, midnight UTC of `deprecated_at`),
- `Sunset: <IMF-fixdate>` (RFC 8594: midnight UTC of `sunset`, e.g. `Mon, 01 Feb 2027 00:00:00 GMT`),
- `Link: <https://api.cooud.exchange/docs/changelog>; rel="deprecation"` (RFC 9745 §3: where to read about it).
A header whose date is missing from the table is left out (tools/lifecycle.py makes that a failing check).

Placement: in connexion's stack **outside** its ExceptionMiddleware (between ServerErrorMiddleware and
ExceptionMiddleware, see impl/app.py), so that error responses made from exceptions raised by inner layers
(validation, auth, handlers) pass through this layer's `send` too. It sits before routing, yet it uses
connexion's routing context: it makes sure the request's `scope["extensions"]` mapping exists before calling
inward; the layers between (Swagger UI, routing) shallow-copy the scope, so they share that one mapping, and
RoutingMiddleware writes `extensions["connexion_routing"]["operation_id"]` into it. When the response starts,
the operation id is read from there and the operation looked up in the table at that moment (so a test that
replaces an entry of `generated.operations.OPERATIONS` before the request sees its change).

A 429 the rate limiter makes before the request reaches connexion adds the same headers itself
(impl/middleware/ratelimit.py `refusal`). Known limits: the outermost last-resort 500 and body-size 413
(impl/middleware/context.py) and a 405 from the method guard carry no lifecycle headers (no operation was routed,
or the method is not the deprecated operation's).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import lru_cache

from connexion.middleware.abstract import ROUTING_CONTEXT
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generated import operations

CHANGELOG_URL = "https://api.cooud.exchange/docs/changelog"
LINK_VALUE = f'<{CHANGELOG_URL}>; rel="deprecation"'
_REPLACED = {b"deprecation", b"sunset"}


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


class LifecycleHeadersMiddleware:
    """Adds Deprecation, Sunset and Link to every response of a deprecated operation (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Shared with the copies made by the layers inside, so routing's operation id lands here too.
        extensions = scope.setdefault("extensions", {})

        async def send_with_lifecycle(message: Message) -> None:
            if message["type"] == "http.response.start":
                op_id = (extensions.get(ROUTING_CONTEXT) or {}).get("operation_id")
                op = operations.OPERATIONS.get(op_id or "")
                added = lifecycle_headers(op.deprecated, op.deprecated_at, op.sunset) if op is not None else ()
                if added:
                    kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
                    message = {**message, "headers": kept + list(added)}
            await send(message)

        await self.app(scope, receive, send_with_lifecycle)
