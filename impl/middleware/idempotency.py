"""Idempotency-Key handling for every operation the spec marks as requiring it (generated operation table).

Keyed per account. The first request with a key reserves it (atomically, in the store) and runs; its
response — status, headers (all but X-Request-Id) and body — is stored for 24 hours. Then:
- the same key and the same request (method, target and body) -> the stored response, with
  `Idempotent-Replayed: true`, and the operation does not run again;
- the same key while the first is still running -> `409 idempotency_in_flight` (retry shortly, same key);
- the same key with a different request -> `422 idempotency_key_reused`.
A refusal (4xx) is stored like any answer. A response with status >= 500, or a cancellation, releases the key so
that a retry can run the operation: such a failure has, by the store's transactions, applied nothing — except
where a trading command committed and the engine stored its result with its effect (then the key is already
`done`, and a retry is answered from that result, rendered by impl/api/answers.py exactly as the handler would
have). Keys left
`in_flight` by a process that died are released when the service starts (nothing of theirs committed) — in the
embedded mode only. With the engine in another process (COOUD_BUS=nats://, impl/bus/) a command whose answer did
not arrive may still commit, so such a failure keeps the key in flight (`command_in_doubt`): a retry gets
`409 idempotency_in_flight` until the engine's result is stored (then it is answered from it), and a key left in
flight longer than `impl.bus.ABANDON_AFTER_MS` (its worker died) is taken over by the next request with it. Runs
after request validation, so invalid requests never consume a key. The store's writes (transactions with fsync) run
off the event loop (impl/blocking.py), each to completion even if the request is cancelled meanwhile.
"""

from __future__ import annotations

import hashlib
import json

import orjson
from starlette.types import Scope

from impl.api.answers import render_stored, replays_from_result
from impl.blocking import run_blocking
from impl.bus import ABANDON_AFTER_MS, in_doubt_var, is_nats
from impl.errors import ApiError, error_answer
from impl.middleware.auth import request_target

TTL_MS = 24 * 3_600_000
_NOT_STORED = {"x-request-id", "content-length"}  # answers stored before the edge stamped only its own


def fingerprint(scope: Scope) -> str:
    digest = hashlib.sha256(scope["method"].encode() + b" " + request_target(scope) + b"\n")
    digest.update(scope.get("cooud.raw_body", b""))
    return digest.hexdigest()


def reserve(scope: Scope):
    """Claim the request's key (blocking: a store transaction; the edge calls it in a worker thread). Returns None
    when claimed — the operation may run — else the key's existing record."""
    key = scope["cooud.headers"]["idempotency-key"]  # present and well-formed: validation ran first
    services = scope["cooud.services"]
    request = scope["cooud.fingerprint"] = fingerprint(scope)
    abandon = {"abandon_after_ms": ABANDON_AFTER_MS} if is_nats(services.config.bus) else {}
    existing = services.store.reserve_idempotency_key(scope["cooud.principal"].user_id, key, request,
                                                      services.now_ms(), TTL_MS, **abandon)
    if existing is None:
        scope["cooud.idempotency_key"] = key  # the engine stores its result with its effect (impl/domain/engine.py)
    return existing


async def finish(scope: Scope, op, existing, call) -> tuple[int, list, bytes]:
    """The answer under the key `reserve` looked at: the stored one for an existing key, else that of `call()` — the
    operation's handler — run once and stored. An exception of `call` is answered (and stored) through the one error
    mapping; a 5xx answer releases the key — unless a command handed to a remote engine is unanswered (in doubt: the
    key stays in flight, see the module docstring). A single-order trading command's success needs no second write: the
    engine stored its result with its effect, and a replay renders it (impl/api/answers.py)."""
    if existing is not None:
        return _answer_existing(existing, scope["cooud.fingerprint"], lambda: _stored_answer(scope, op, existing))
    account, key = scope["cooud.principal"].user_id, scope["cooud.idempotency_key"]
    store = scope["cooud.services"].store
    in_doubt = [False]  # [True] while a command handed to a remote engine is unanswered (impl/bus/remote.py)
    token = in_doubt_var.set(in_doubt)
    try:
        try:
            status, headers, body = await call()
        except Exception as exc:
            status, headers, body = error_answer(exc)
    except BaseException:
        if not in_doubt[0]:
            await run_blocking(store.release_idempotency_key, account, key)
        raise
    finally:
        in_doubt_var.reset(token)
    if status >= 500:
        if not in_doubt[0]:  # else the key stays in flight: the engine may still commit the command
            await run_blocking(store.release_idempotency_key, account, key)
    elif not (status < 300 and replays_from_result(op.operation_id)):
        stored = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in headers]
        await run_blocking(store.complete_idempotency_key, account, key, status, json.dumps(stored), body)
    return status, headers, body


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
    return status, json.dumps([["content-type", "application/json"]]), orjson.dumps(answer)


def _answer_existing(existing, request_fingerprint: str, stored_answer) -> tuple[int, list, bytes]:
    stored_fingerprint, state, status, headers_json, body, _result = existing
    if stored_fingerprint != request_fingerprint:
        raise ApiError("idempotency_key_reused",
                       "This Idempotency-Key was used for a different request; use a fresh key per operation.")
    if state == "in_flight":
        raise ApiError("idempotency_in_flight", "A request with this Idempotency-Key is still being processed.")
    stored = stored_answer()
    if stored is not None:
        status, headers_json, body = stored
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(headers_json)
               if k.lower() not in _NOT_STORED]
    return status, [*headers, (b"idempotent-replayed", b"true")], body
