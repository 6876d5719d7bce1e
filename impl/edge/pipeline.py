"""The request edge: one ASGI application that runs every HTTP request through one pipeline compiled from the spec.

Per HTTP request, in this order, each step once:
 1. request id (`req_<ULID>`, in a context variable for error envelopes) and the client address (impl/middleware/
    context.py `client_network`: forwarded headers only from trusted proxies);
 2. route (impl/edge/router.py, one structure built from the operation table); a path the spec does not know is
    `404 not_found`, a method it does not allow `405 method_not_allowed` with `Allow`;
 3. rate-limit admission (impl/middleware/ratelimit.py): an anonymous request is charged now and refused before
    its body is read; one that presents credentials is charged after authentication, against the credential;
 4. body read once, up to `max_body_bytes` (`413 payload_too_large`), Content-Type checked against the operation
    (`415 unsupported_media_type`), JSON parsed once, strictly (impl/edge/strict_json.py);
 5. authentication and permission (impl/middleware/auth.py);
 6. the credential's rate-limit charge;
 7. parameters and body validated by validators compiled once per operation (impl/edge/compiled.py);
 8. Idempotency-Key claimed (impl/middleware/idempotency.py) where the spec requires one;
    steps 5–8 read and write stores, so for an operation with credentials they run together in one worker
    thread (impl/blocking.py) — one hop off the event loop, not one per step;
 9. the handler (`impl.api.<tag>.<operation>`): coroutine functions awaited on the loop, plain functions run in a
    worker thread (impl/blocking.py); its result rendered as JSON;
10. response validated against the spec when configured (always in tests), compressed (gzip, when the client
    accepts it and the body is large), and its headers stamped once: X-Request-Id, X-RateLimit-*, CORS,
    lifecycle (Deprecation/Sunset/Link).
Any exception on the way becomes the one envelope through `impl.errors.failure`, stamped the same way; a request
never charged (rejected credentials, refused before authentication) is charged to the anonymous budget when it is
answered, and if that budget is empty its answer is the 429 instead.

Besides the operations: `/v1/ws` (the WebSocket gateway, impl/ws/), `/v1/openapi.json` and `/v1/openapi.yaml` (the
spec as written, `$ref`s kept), `/v1/asyncapi.yaml` and its HTML rendering at `/v1/ui/stream/`, and Swagger UI
under `/v1/ui/`, which connexion serves (the one thing left to it, with the resolution of operationIds); its
error answers are replaced by the envelope. The lifespan starts and stops the stream's timers and the operator
inbox.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable
from urllib.parse import parse_qsl

import orjson
from starlette.exceptions import HTTPException

from generated.operations import BASE_PATH
from impl.api.context import request_scope
from impl.blocking import run_blocking
from impl.edge import strict_json
from impl.edge.compiled import CompiledOperation
from impl.edge.router import Router, allow_header
from impl.errors import ApiError, error_answer, request_id_var
from impl.ids import new_id
from impl.middleware import idempotency
from impl.middleware.auth import authenticate, presented_credential
from impl.middleware.context import client_network
from impl.middleware.ratelimit import Admission, limit_headers, refusal

log = logging.getLogger("cooud.edge")

GZIP_MIN_BYTES = 1400  # about one TCP segment: below that compression saves no round trip
JSON = b"application/json"


class Document:
    """A read-only document served beside the API (GET and HEAD), gzipped once when large."""

    def __init__(self, body: bytes, media_type: str) -> None:
        self.body, self.media_type = body, media_type.encode()
        self.gzipped = gzip.compress(body, 9, mtime=0) if len(body) >= GZIP_MIN_BYTES else None


class Edge:
    def __init__(self, *, services, operations: dict[str, CompiledOperation], documents: dict[str, Document],
                 swagger_ui, stream, lifespan: Callable, max_body_bytes: int, cors_origins: frozenset[str],
                 validate_responses: bool) -> None:
        self.services = services
        self.trusted_proxies = services.config.trusted_proxies
        self.router = Router(operations.values(), BASE_PATH)
        self.documents = documents
        self.swagger_ui = swagger_ui
        self._ui_cache: dict[str, Document] = {}
        self.stream = stream
        self.lifespan = lifespan
        self.max_body_bytes = max_body_bytes
        self.cors_origins = cors_origins
        self.validate_responses = validate_responses

    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            await self._websocket(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    # -- HTTP -----------------------------------------------------------------------------------------------------
    async def _http(self, scope, receive, send) -> None:
        request_id = self._enter(scope)
        token = request_id_var.set(request_id)
        scope_token = request_scope.set(scope)
        try:
            await self._answer(scope, receive, send, request_id)
        finally:
            request_scope.reset(scope_token)
            request_id_var.reset(token)

    def _enter(self, scope) -> str:
        request_id = new_id("req")
        scope["cooud.services"] = self.services
        scope["cooud.client_ip"], scope["cooud.network"] = client_network(scope, self.trusted_proxies)
        scope["cooud.request_id"] = request_id
        headers: dict[str, str] = {}
        for k, v in scope["headers"]:
            headers.setdefault(k.decode("latin-1"), v.decode("latin-1"))
        scope["cooud.headers"] = headers
        return request_id

    async def _answer(self, scope, receive, send, request_id: str) -> None:
        method, path, headers = scope["method"], scope["path"], scope["cooud.headers"]
        methods, path_params = self.router.match(path)
        compiled: CompiledOperation | None = methods.get(method) if methods else None
        op = compiled.op if compiled is not None else None
        deferred = op is not None and bool(op.security) and presented_credential(headers) is not None
        admission = Admission(self.services.rate_limiter, scope, op, deferred)
        try:
            refused = await admission.begin()
            if refused is not None:
                raise refused
            if compiled is not None:
                status, out_headers, body = await self._operation(compiled, scope, receive, path_params, admission)
            elif methods is not None:
                raise ApiError("method_not_allowed", f"{method} is not allowed here; use {allow_header(methods)}.",
                               headers={"Allow": allow_header(methods)})
            elif path in self.documents:
                status, out_headers, body = self._document(self.documents[path], method, headers)
            elif path == f"{BASE_PATH}/ui" or path.startswith(f"{BASE_PATH}/ui/"):
                await self._swagger_ui(scope, receive, send, admission, request_id)
                return
            else:
                raise ApiError("not_found", f"No resource at {path!r}.")
        except Exception as exc:  # the one mapping (impl/errors.py)
            status, out_headers, body = error_answer(exc)
        extra = self._cors(compiled, headers) + list(compiled.lifecycle) if compiled is not None else []
        was_charged = admission.decision is not None
        decision = await admission.finish()
        if not was_charged and not decision.allowed:  # rejected credentials, anonymous budget empty
            status, out_headers, body = error_answer(refusal(decision))
        await self._send(send, status, out_headers + extra, body, headers, request_id, decision, compiled)

    async def _send(self, send, status: int, headers: list, body: bytes, request_headers: dict, request_id: str,
                    decision, compiled: CompiledOperation | None) -> None:
        headers.append((b"x-request-id", request_id.encode()))
        headers += limit_headers(decision)
        if self.validate_responses and compiled is not None:
            problem = _response_problem(compiled, status, headers, body)
            if problem is not None:
                log.error("response of %s does not match the spec: %s", compiled.op.operation_id, problem)
                status, headers, body = error_answer(ApiError("internal_error", "An unexpected error occurred; quote "
                                                              "the request_id when reporting it."))
                headers += [(b"x-request-id", request_id.encode()), *limit_headers(decision)]
        if (len(body) >= GZIP_MIN_BYTES and "gzip" in request_headers.get("accept-encoding", "")
                and not any(k == b"content-encoding" for k, _ in headers)):
            body = gzip.compress(body, 5)
            headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _operation(self, compiled: CompiledOperation, scope, receive, path_params: dict,
                         admission: Admission):
        op = compiled.op
        raw = await self._read_body(scope, receive)
        scope["cooud.raw_body"] = raw
        body = _parse_body(compiled, scope["cooud.headers"], raw)
        if not op.security:
            return await self._dispatch(compiled, _arguments(compiled, scope, path_params, body))
        # One trip to a worker thread for everything that reads or writes a store before the handler.
        kwargs, existing = await run_blocking(_admit, compiled, scope, path_params, body, admission)
        if op.idempotency_required:
            return await idempotency.finish(scope, op, existing, lambda: self._dispatch(compiled, kwargs))
        return await self._dispatch(compiled, kwargs)

    async def _dispatch(self, compiled: CompiledOperation, kwargs: dict) -> tuple[int, list, bytes]:
        """(status, headers, body) of the handler's answer; an exception is the caller's to map."""
        if compiled.is_async:
            result = await compiled.handler(**kwargs)
        else:
            result = await run_blocking(compiled.handler, **kwargs)
        return render(result)

    async def _read_body(self, scope, receive) -> bytes:
        length = scope["cooud.headers"].get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            raise _too_large(self.max_body_bytes)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _too_large(self.max_body_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _cors(self, compiled: CompiledOperation, headers: dict) -> list:
        """The spec's Access-Control-Allow-Origin: `*` on public operations, the origin itself when it is on the
        allow-list (`COOUD_CORS_ORIGINS`) for the others, nothing without an Origin header."""
        origin = headers.get("origin")
        if origin is None:
            return []
        if compiled.op.permission == "public":
            return [(b"access-control-allow-origin", b"*")]
        if origin in self.cors_origins:
            return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
        return []

    @staticmethod
    def _document(document: Document, method: str, headers: dict):
        if method not in ("GET", "HEAD"):
            raise ApiError("method_not_allowed", f"{method} is not allowed here; use GET, HEAD.",
                           headers={"Allow": "GET, HEAD"})
        out = [(b"content-type", document.media_type)]
        if document.gzipped is not None and "gzip" in headers.get("accept-encoding", ""):
            out += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
            return 200, out, document.gzipped
        return 200, out, document.body

    async def _swagger_ui(self, scope, receive, send, admission: Admission, request_id: str) -> None:
        """Connexion's Swagger UI. Its pages and assets are static: each one it serves is kept as a `Document` (so
        it is gzipped once, and served from here afterwards); its own error answers (e.g. an unknown asset) become
        the envelope."""
        decision = await admission.finish()
        headers = scope["cooud.headers"]
        try:
            if not decision.allowed:
                raise refusal(decision)
            document = self._ui_cache.get(scope["path"])
            if document is None:
                status, answer_headers, body = await _buffered(self.swagger_ui, scope, receive)
                if status >= 400:
                    raise HTTPException(status)
                if status != 200 or scope["method"] != "GET":  # a redirect (`/v1/ui`), a HEAD: pass it on
                    await self._send(send, status, answer_headers, body, headers, request_id, decision, None)
                    return
                media_type = next((v for k, v in answer_headers if k == b"content-type"), b"application/octet-stream")
                document = self._ui_cache[scope["path"]] = Document(body, media_type.decode("latin-1"))
            status, out, body = self._document(document, scope["method"], headers)
        except Exception as exc:
            if isinstance(exc, HTTPException) and exc.status_code == 405:
                exc = ApiError("method_not_allowed", f"{scope['method']} is not allowed here; use GET, HEAD.",
                               headers={"Allow": "GET, HEAD"})
            elif isinstance(exc, HTTPException) and exc.status_code < 500:
                exc = ApiError("not_found", f"No resource at {scope['path']!r}.")
            status, out, body = error_answer(exc)
        await self._send(send, status, out, body, headers, request_id, decision, None)

    # -- WebSocket and lifespan -----------------------------------------------------------------------------------
    async def _websocket(self, scope, receive, send) -> None:
        request_id = self._enter(scope)
        token = request_id_var.set(request_id)
        try:
            if scope["path"] == f"{BASE_PATH}/ws":
                await self.stream(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1000})
        finally:
            request_id_var.reset(token)

    async def _lifespan(self, receive, send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        running = self.lifespan()
        try:
            await running.__aenter__()
        except Exception as exc:
            log.exception("start-up failed")
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        try:
            await running.__aexit__(None, None, None)
        except Exception as exc:
            log.exception("shut-down failed")
            await send({"type": "lifespan.shutdown.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.shutdown.complete"})


# -- steps that need no state ------------------------------------------------------------------------------------
async def _buffered(app, scope, receive) -> tuple[int, list, bytes]:
    """(status, headers but the length, body) of an ASGI app's whole answer."""
    answer: dict = {"status": 500, "headers": []}
    chunks: list[bytes] = []

    async def collect(message) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = [(k.lower(), v) for k, v in message.get("headers", [])
                                 if k.lower() not in (b"content-length", b"x-request-id")]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, collect)
    return answer["status"], answer["headers"], b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError("payload_too_large", f"The request body is larger than {limit} bytes.")


def _parse_body(compiled: CompiledOperation, headers: dict, raw: bytes):
    """The parsed JSON body (None when there is none), after the Content-Type check."""
    op = compiled.op
    if not raw:
        return None
    if not op.request_content_types:
        raise ApiError("unsupported_media_type", f"{op.method} {BASE_PATH}{op.path} takes no request body.")
    content_type = headers.get("content-type")
    media_type = content_type.split(";", 1)[0].strip().lower() if content_type else None
    if media_type not in op.request_content_types:
        raise ApiError("unsupported_media_type", f"Content-Type {media_type or '(none)'!r} is not accepted; send "
                       f"{', '.join(op.request_content_types)}.")
    return strict_json.loads(raw)


def _admit(compiled: CompiledOperation, scope, path_params: dict, body, admission: Admission):
    """Steps 5–8 for an operation that takes credentials, in a worker thread: authenticate, charge the credential,
    validate, claim the Idempotency-Key. Returns (handler arguments, the key's existing record or None)."""
    op = compiled.op
    principal = scope["cooud.principal"] = authenticate(scope, op)
    if admission.deferred:
        refused = admission.charge(principal, op.rate_limit_pool)
        if refused is not None:
            raise refused
    kwargs = _arguments(compiled, scope, path_params, body)
    return kwargs, idempotency.reserve(scope) if op.idempotency_required else None


def _invalid(where: str, field: str, reason: str) -> ApiError:
    return ApiError("invalid_request", f"{where} {field!r}: {reason}", details=[{"field": field, "reason": reason}])


def _arguments(compiled: CompiledOperation, scope, path_params: dict, body) -> dict:
    """The handler's keyword arguments, every parameter and the body validated against the spec."""
    query: dict[str, str] = {}
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
        if name not in compiled.query_names:
            raise _invalid("Unknown query parameter", name, "not a parameter of this operation")
        if name in query:
            raise _invalid("Repeated query parameter", name, "give it once")
        query[name] = value
    headers = scope["cooud.headers"]
    kwargs: dict = {}
    for p in compiled.params:
        value = path_params.get(p.key) if p.location == "path" else (
            query.get(p.key) if p.location == "query" else headers.get(p.key))
        if value is None:
            if p.required:
                raise _invalid(f"Missing {p.location} parameter", p.name, "required")
            if p.passed and p.default is not None:
                kwargs[p.name] = p.default
            continue
        if p.integer:
            try:
                value = int(value, 10)
            except ValueError:
                raise _invalid(f"Bad {p.location} parameter", p.name, f"{value!r} is not an integer") from None
        if not p.validator.is_valid(value):
            raise _invalid(f"Bad {p.location} parameter", p.name, _first_error(p.validator, value))
        if p.passed:
            kwargs[p.name] = value
    if compiled.body_validator is not None:
        if body is None:
            if compiled.body_required:
                raise ApiError("invalid_request", "This operation needs a JSON request body.",
                               details=[{"field": "body", "reason": "required"}])
        elif not compiled.body_validator.is_valid(body):
            error = next(compiled.body_validator.iter_errors(body))
            field = ".".join(str(p) for p in error.instance_path) or "body"
            raise _invalid("Invalid body at", field, error.message)
        if compiled.body_passed:
            kwargs["body"] = body
    return kwargs


def _first_error(validator, value) -> str:
    return next(validator.iter_errors(value)).message


def render(result) -> tuple[int, list, bytes]:
    """A handler's return value — `payload`, `(payload, status)` or `(payload, status, headers)` — as (status,
    headers, body); a `None` payload has no body."""
    status, extra = 200, None
    if isinstance(result, tuple):
        result, status, *rest = result
        extra = rest[0] if rest else None
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (extra or {}).items()]
    if result is None:
        return status, headers, b""
    return status, [(b"content-type", JSON), *headers], orjson.dumps(result)


def _response_problem(compiled: CompiledOperation, status: int, headers: list, body: bytes) -> str | None:
    """Why this response does not match the operation's responses in the spec, or None."""
    rule = compiled.responses.get(str(status)) or compiled.responses.get(f"{str(status)[0]}XX") \
        or compiled.responses.get("default")
    if rule is None:
        return f"status {status} is not documented"
    present = {k for k, _ in headers}
    missing = [h for h in rule.required_headers if h.encode() not in present]
    if missing:
        return f"required headers missing: {missing}"
    if rule.validator is not None:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return "body is not JSON"
        if not rule.validator.is_valid(payload):
            return next(rule.validator.iter_errors(payload)).message
    return None

