"""The one app factory: configuration, store and clock in; a ready ASGI application out.

Shape: `RequestContextMiddleware` (request id, body limit, last-resort 500) wraps an outer Starlette app that
mounts connexion at `/` beside the WebSocket route (added by the streaming work); connexion serves the spec's
operations under `/v1` with strict request validation, response validation when configured (always in
tests), Swagger UI at `/v1/ui/`, and resolves each operationId to `impl.api.<tag>.<snake_case(operationId)>`.
Nothing happens at import time; `create_app` opens the store, applies migrations and seeds demo listings.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

import connexion
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolution, Resolver
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount

from generated.operations import BASE_PATH, OPERATIONS
from impl import demo, error_handlers
from impl.config import Config
from impl.domain.market_data import MarketData
from impl.errors import envelope
from impl.middleware.body import BodyPolicyMiddleware
from impl.middleware.context import RequestContextMiddleware, RequestIdHeaderMiddleware
from impl.middleware.cors import CorsMiddleware
from impl.routing import PathIndex
from impl.services import Services
from impl.store.sqlite import SQLiteStore

log = logging.getLogger("cooud.app")


def handler_name(operation_id: str) -> str:
    """`impl.api.<tag>.<snake_case>` for an operationId of the generated operation table."""
    op = OPERATIONS[operation_id]
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()
    return f"impl.api.{op.tag}.{snake}"


class OperationTableResolver(Resolver):
    """Resolves to `handler_name(operationId)` but keeps the spec's operationId in connexion's routing context,
    so middleware can look the operation up in the generated table."""

    def resolve(self, operation) -> Resolution:
        op_id = operation.operation_id
        return Resolution(self.resolve_function_from_operation_id(handler_name(op_id)), op_id)


def build_services(config: Config, now_ms: Callable[[], int] | None = None) -> Services:
    store = SQLiteStore(config.database)
    store.migrate()
    if config.seed_demo:
        demo.seed_if_empty(store)
    clock = now_ms or (lambda: time.time_ns() // 1_000_000)
    return Services(config=config, store=store, market_data=MarketData(store, {}, clock), now_ms=clock)


async def _outer_http_error(request: Request, exc: HTTPException) -> Response:
    code = error_handlers.GENERIC_CODE.get(exc.status_code, "not_found")
    status, body = envelope(code, f"No resource at {request.url.path!r}.")
    return Response(body, status_code=status, media_type="application/json")


def create_app(config: Config | None = None, *, now_ms: Callable[[], int] | None = None):
    config = config or Config.from_env()
    services = build_services(config, now_ms)
    spec_dir = Path(config.spec_dir)

    cx = connexion.AsyncApp(
        __name__,
        specification_dir=str(spec_dir),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
    )
    cx.add_api(
        "openapi.yaml",
        base_path=BASE_PATH,
        resolver=OperationTableResolver(),
        strict_validation=True,
        validate_responses=config.validate_responses,
    )
    cx.add_middleware(BodyPolicyMiddleware, position=MiddlewarePosition.BEFORE_SECURITY)
    cx.add_middleware(CorsMiddleware, position=MiddlewarePosition.BEFORE_SECURITY,
                      allowed_origins=config.cors_origins)
    # Inside response validation, so the validator sees the X-Request-Id header the spec requires.
    cx.add_middleware(RequestIdHeaderMiddleware, position=MiddlewarePosition.BEFORE_CONTEXT)
    error_handlers.install(cx, PathIndex(OPERATIONS.values(), BASE_PATH))

    @asynccontextmanager
    async def lifespan(_app):
        yield
        services.store.close()

    outer = Starlette(
        routes=[Mount("/", app=cx)],
        lifespan=lifespan,
        # Paths the mount cannot even match (e.g. an encoded newline) never reach connexion: same envelope.
        exception_handlers={HTTPException: _outer_http_error},
    )
    app = RequestContextMiddleware(outer, max_body_bytes=config.max_body_bytes, services=services)
    app.services = services  # for tests and operator tools
    return app
