"""The one app factory: configuration, store and clock in; a ready ASGI application out.

Shape: `RequestContextMiddleware` (request id, body limit, last-resort 500) wraps an outer Starlette app that
mounts connexion at `/` beside the WebSocket gateway at `/v1/ws` (impl/ws/, spec/asyncapi.yaml), the stream's
HTML docs at `/v1/ui/stream/` and its document at `/v1/asyncapi.yaml`; the outer app's lifespan starts and
stops the stream's timers and the operator inbox (impl/operator.py). Connexion serves the spec's
operations under `/v1` with strict request validation, response validation when configured (always in
tests), Swagger UI at `/v1/ui/`, and resolves each operationId to `impl.api.<tag>.<snake_case(operationId)>`.
Nothing happens at import time; `create_app` opens the store, applies migrations and seeds demo listings.
The store belongs to whoever built the app (it outlives any one ASGI lifespan: test clients start and stop
lifespans freely); `cooud serve` closes it when the server stops.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import connexion
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolution, Resolver
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route, WebSocketRoute

from generated.operations import BASE_PATH, OPERATIONS
from impl import error_handlers
from impl.config import Config
from impl.errors import envelope
from impl.middleware.auth import AuthMiddleware
from impl.middleware.body import BodyPolicyMiddleware
from impl.middleware.context import RequestContextMiddleware, RequestIdHeaderMiddleware
from impl.middleware.cors import CorsMiddleware
from impl.middleware.handlers import CachedAsyncApi
from impl.middleware.idempotency import IdempotencyMiddleware
from impl.middleware.lifecycle import LifecycleHeadersMiddleware
from impl.middleware.methods import MethodGuardMiddleware, refusal
from impl.middleware.ratelimit import CredentialRateLimitMiddleware
from impl.middleware.validation import VALIDATOR_MAP, CachedRequestValidationMiddleware
from impl.operator import OperatorInbox
from impl.routing import PathIndex
from impl.services import build_services
from impl.ws.gateway import Stream

log = logging.getLogger("cooud.app")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
STREAM_DOCS = Path(__file__).resolve().parent.parent / "generated" / "docs" / "asyncapi.html"


def handler_name(operation_id: str) -> str:
    """`impl.api.<tag>.<snake_case>` for an operationId of the generated operation table (tag `api-keys` is
    module `api_keys`)."""
    op = OPERATIONS[operation_id]
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()
    return f"impl.api.{op.tag.replace('-', '_')}.{snake}"


class OperationTableResolver(Resolver):
    """Resolves to `handler_name(operationId)` but keeps the spec's operationId in connexion's routing context,
    so middleware can look the operation up in the generated table."""

    def resolve(self, operation) -> Resolution:
        op_id = operation.operation_id
        return Resolution(self.resolve_function_from_operation_id(handler_name(op_id)), op_id)


def _middlewares(config: Config) -> list:
    """Connexion's stack with our layers in place. Our AuthMiddleware replaces connexion's SecurityMiddleware
    (signed requests need the raw body and all three key headers at once)."""
    return [
        ServerErrorMiddleware,
        LifecycleHeadersMiddleware,  # outside ExceptionMiddleware: error responses built from exceptions get them too
        ExceptionMiddleware,
        SwaggerUIMiddleware,
        partial(MethodGuardMiddleware, paths=PathIndex(OPERATIONS.values(), BASE_PATH)),
        RoutingMiddleware,
        BodyPolicyMiddleware,
        partial(CorsMiddleware, allowed_origins=config.cors_origins),
        AuthMiddleware,
        CredentialRateLimitMiddleware,  # charges an authenticated request to its credential and IP
        CachedRequestValidationMiddleware,  # connexion's, with per-operation objects built once
        IdempotencyMiddleware,
        ResponseValidationMiddleware,
        LifespanMiddleware,
        RequestIdHeaderMiddleware,  # inside response validation, which must see the X-Request-Id it requires
        ContextMiddleware,
    ]


async def _outer_http_error(request: Request, exc: HTTPException) -> Response:
    code = error_handlers.GENERIC_CODE.get(exc.status_code, "not_found")
    status, body = envelope(code, f"No resource at {request.url.path!r}.")
    return Response(body, status_code=status, media_type="application/json")


def _static(path: Path, media_type: str):
    """A read-only document beside the API (every method is routed here, so a POST gets our 405, not connexion's
    "no such path" — connexion does not know these paths)."""

    async def serve(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            message, headers = refusal(request.method, frozenset({"GET", "HEAD"}))
            status, body = envelope("method_not_allowed", message)
            return Response(body, status_code=status, headers=headers, media_type="application/json")
        return Response(path.read_bytes(), media_type=media_type)

    return serve


def create_app(config: Config | None = None, *, now_ms: Callable[[], int] | None = None, password_hasher=None):
    config = config or Config.from_env()
    services = build_services(config, now_ms, password_hasher)
    services.store.release_unfinished_idempotency_keys()  # a previous process's unfinished requests (see there)
    spec_dir = Path(config.spec_dir)

    cx = connexion.AsyncApp(
        __name__,
        specification_dir=str(spec_dir),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
        middlewares=_middlewares(config),
    )
    cx._middleware_app.api_cls = CachedAsyncApi  # handler chains built once per operation (see its docstring)
    cx.add_api(
        "openapi.yaml",
        base_path=BASE_PATH,
        resolver=OperationTableResolver(),
        strict_validation=True,
        validate_responses=config.validate_responses,
        validator_map=VALIDATOR_MAP,  # connexion's validators, built once per schema instead of per request
    )
    error_handlers.install(cx, PathIndex(OPERATIONS.values(), BASE_PATH))

    stream = Stream(services, services.hub, services.books)
    inbox = OperatorInbox(services.trading, services.store)  # `cooud deposit` from another process (impl/operator.py)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        await stream.start()
        inbox.start()
        try:
            yield
        finally:
            inbox.stop()
            await stream.stop()

    outer = Starlette(
        routes=[WebSocketRoute(f"{BASE_PATH}/ws", stream),
                # The HTML rendering of spec/asyncapi.yaml (tools/asyncapi_html.py) beside Swagger UI, and the document.
                Route(f"{BASE_PATH}/ui/stream/", _static(STREAM_DOCS, "text/html; charset=utf-8"),
                      methods=ALL_METHODS),
                Route(f"{BASE_PATH}/asyncapi.yaml", _static(spec_dir / "asyncapi.yaml", "application/yaml"),
                      methods=ALL_METHODS),
                Mount("/", app=cx)],
        # Paths the mount cannot even match (e.g. an encoded newline) never reach connexion: same envelope.
        exception_handlers={HTTPException: _outer_http_error},
        lifespan=lifespan,
    )
    app = RequestContextMiddleware(outer, max_body_bytes=config.max_body_bytes, services=services,
                                   paths=PathIndex(OPERATIONS.values(), BASE_PATH))
    app.services = services  # for tests and operator tools
    return app
