"""Outermost middleware: request id, rate-limit admission and headers, body size limit, the last-resort envelope.

For every HTTP request: a fresh `req_<ULID>` is made, put in a context variable (error envelopes read it) and
sent back as `X-Request-Id` on every response, Swagger UI and the spec included. The body is read here, once,
up to `max_body_bytes`: a larger body is refused with `413 payload_too_large` before any application code runs
(chunked bodies included), and the bytes are kept in `scope["cooud.raw_body"]` for the layers that need them
(body policy now, request signing later) and replayed downstream. Anything that escapes every inner handler
becomes `500 internal_error` without a traceback (logged with the request id). The client's IP and network
(IPv4 /24, IPv6 /48, to which access tokens are bound) are put in the scope for authentication: the peer's, or
the forwarded one when the peer is a configured trusted proxy (impl/security/forwarded.py; HTTP and WebSocket).
Rate limits (impl/middleware/ratelimit.py): an anonymous request is charged here before its body is read and a
refusal answered 429 at once; every response leaves with the X-RateLimit-* headers of the request's decision.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from impl.errors import envelope, request_id_var
from impl.ids import new_id
from impl.middleware import ratelimit
from impl.middleware.ratelimit import Admission
from impl.routing import PathIndex
from impl.security import AuthError, forwarded
from impl.security.tokens import network_of

log = logging.getLogger("cooud.request")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, services: object, paths: PathIndex) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.services = services
        self.paths = paths
        self.trusted_proxies = getattr(getattr(services, "config", None), "trusted_proxies", ())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope["cooud.services"] = self.services
        client_ip, network = client_network(scope, self.trusted_proxies)
        scope["cooud.client_ip"], scope["cooud.network"] = client_ip, network
        request_id = new_id("req")
        token = request_id_var.set(request_id)
        scope["cooud.request_id"] = request_id
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
                return
            await self._http(scope, receive, send, request_id)
        finally:
            request_id_var.reset(token)

    async def _http(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        started = replaced = False
        admission = scope["cooud.admission"] = Admission(self.services.rate_limiter, scope, self.paths)

        async def send_with_id(message: Message) -> None:
            nonlocal started, replaced
            if replaced:  # the inner answer was replaced by a 429: drop the rest of it
                return
            if message["type"] == "http.response.start":
                started = True
                was_charged = admission.decision is not None
                decision = await admission.finish()
                if not was_charged and not decision.allowed:  # rejected credentials, anonymous budget empty
                    replaced = True
                    status, body, headers = ratelimit.refusal(decision, admission.operation)
                    await send({"type": "http.response.start", "status": status,
                                "headers": _with_headers(headers, request_id, decision)})
                    await send({"type": "http.response.body", "body": body})
                    return
                message = {**message, "headers": _with_headers(message.get("headers", []), request_id, decision)}
            await send(message)

        decision = await admission.begin()
        if decision is not None and not decision.allowed:
            status, body, headers = ratelimit.refusal(decision, admission.operation)
            await send_with_id({"type": "http.response.start", "status": status, "headers": headers})
            await send_with_id({"type": "http.response.body", "body": body})
            return

        body = await self._read_body(scope, receive)
        if body is None:
            await _send_error(send_with_id, "payload_too_large",
                              f"The request body is larger than {self.max_body_bytes} bytes.")
            return
        scope["cooud.raw_body"] = body
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        try:
            await self.app(scope, replay, send_with_id)
        except Exception:
            log.exception("unhandled error in request %s", request_id)
            if not started:
                await _send_error(send_with_id, "internal_error",
                                  "An unexpected error occurred; quote the request_id when reporting it.")

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None when it exceeds the limit (declared or actual)."""
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    if int(value) > self.max_body_bytes:
                        return None
                except ValueError:
                    pass
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def client_network(scope: Scope, trusted_proxies: tuple = ()) -> tuple[str | None, str]:
    """(client IP, its network): IPv4 /24 or IPv6 /48; a peer that is not an IP (a unix socket, an in-process
    test client) is its own network, named after it. X-Forwarded-For counts only from a trusted proxy."""
    host = forwarded.client_ip((scope.get("client") or ("unknown", 0))[0], scope.get("headers", ()), trusted_proxies)
    try:
        return host, network_of(host)
    except AuthError:
        return None, f"host:{host}"


class RequestIdHeaderMiddleware:
    """Sets X-Request-Id and the rate-limit headers inside connexion too, where response validation can see them
    (the same values as the outermost layer sets)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = scope.get("cooud.request_id")
        if scope["type"] != "http" or not request_id:
            await self.app(scope, receive, send)
            return

        admission = scope.get("cooud.admission")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = admission.decision if admission is not None else None
                message = {**message, "headers": _with_headers(message.get("headers", []), request_id, decision)}
            await send(message)

        await self.app(scope, receive, send_with_id)


_OURS = {b"x-request-id", b"x-ratelimit-limit", b"x-ratelimit-remaining", b"x-ratelimit-reset", b"retry-after"}


def _with_headers(headers, request_id: str, decision) -> list:
    """The response's headers with ours set (replacing any stale copies, e.g. in a replayed idempotent answer); a
    Retry-After the application set itself (429 login_throttled) stays unless the limiter refused the request."""
    ours = _OURS if decision is not None and not decision.allowed else _OURS - {b"retry-after"}
    out = [(k, v) for k, v in headers if k.lower() not in ours]
    out.append((b"x-request-id", request_id.encode()))
    if decision is not None:
        out += ratelimit.headers(decision)
    return out


async def _send_error(send: Send, code: str, message: str) -> None:
    status, body = envelope(code, message)
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})
