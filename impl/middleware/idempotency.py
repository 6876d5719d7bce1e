"""Idempotency-Key handling for every operation the spec marks as requiring it (generated operation table).

Keyed per account. The first request with a key reserves it (atomically, in the store) and runs; its
response — status, headers (all but X-Request-Id) and body — is stored for 24 hours. Then:
- the same key and the same request (method, target and body) -> the stored response, with
  `Idempotent-Replayed: true`, and the operation does not run again;
- the same key while the first is still running -> `409 idempotency_in_flight` (retry shortly, same key);
- the same key with a different request -> `422 idempotency_key_reused`.
A response with status >= 500, or an exception, releases the key so that a retry can run the operation: such
a failure has, by the store's transactions, applied nothing — except where a trading command committed and the
engine stored its result with its effect (then the key is already `done`, and a retry is answered from that
result, rendered by impl/api/answers.py exactly as the handler would have). Keys left
`in_flight` by a process that died are released when the service starts (nothing of theirs committed). Runs
after request validation, so invalid requests never consume a key. The store's writes (transactions with fsync) run
off the event loop (impl/blocking.py), each to completion even if the request is cancelled meanwhile.
"""

from __future__ import annotations

import hashlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from impl.api.answers import render_stored
from impl.blocking import run_blocking
from impl.errors import ApiError
from impl.middleware import header, routed_operation
from impl.middleware.auth import request_target

TTL_MS = 24 * 3_600_000
_NOT_STORED = {b"x-request-id", b"content-length"}


def fingerprint(scope: Scope) -> str:
    digest = hashlib.sha256(scope["method"].encode() + b" " + request_target(scope) + b"\n")
    digest.update(scope.get("cooud.raw_body", b""))
    return digest.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        op = routed_operation(scope)
        if op is None or not op.idempotency_required:
            await self.app(scope, receive, send)
            return
        key = header(scope, b"idempotency-key")  # present and well-formed: request validation ran first
        account = scope["cooud.principal"].user_id
        services = scope["cooud.services"]
        store, request = services.store, fingerprint(scope)
        existing = await run_blocking(store.reserve_idempotency_key, account, key, request, services.now_ms(), TTL_MS)
        if existing is not None:
            await _answer_existing(existing, request, send, lambda: _stored_answer(scope, op, existing))
            return
        scope["cooud.idempotency_key"] = key  # the engine stores its result with its effect (impl/domain/engine.py)
        captured: dict = {"body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await run_blocking(store.release_idempotency_key, account, key)
            raise
        if captured.get("status", 500) >= 500:
            await run_blocking(store.release_idempotency_key, account, key)
            return
        headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in captured["headers"]
                   if k.lower() not in _NOT_STORED]
        await run_blocking(store.complete_idempotency_key, account, key, captured["status"], json.dumps(headers),
                           captured["body"])


def _stored_answer(scope: Scope, op, existing) -> tuple[int, str, bytes] | None:
    """(status, headers JSON, body) of a command that committed under this key but was never answered (the process
    died in between): rendered from the result the engine stored, as the handler would have (impl/api/answers.py)."""
    if existing.state != "done" or existing.status is not None or existing.result is None:
        return None
    raw = scope.get("cooud.raw_body", b"")
    rendered = render_stored(op.operation_id, existing.result, json.loads(raw) if raw else None,
                             scope["cooud.services"].trading)
    if rendered is None:
        return None
    status, answer = rendered
    return status, json.dumps([["content-type", "application/json"]]), (json.dumps(answer) + "\n").encode()


async def _answer_existing(existing, request_fingerprint: str, send: Send, stored_answer) -> None:
    stored_fingerprint, state, status, headers_json, body, _result = existing
    if stored_fingerprint != request_fingerprint:
        raise ApiError("idempotency_key_reused",
                       "This Idempotency-Key was used for a different request; use a fresh key per operation.")
    if state == "in_flight":
        raise ApiError("idempotency_in_flight", "A request with this Idempotency-Key is still being processed.")
    stored = stored_answer()
    if stored is not None:
        status, headers_json, body = stored
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(headers_json)]
    headers += [(b"idempotent-replayed", b"true"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
