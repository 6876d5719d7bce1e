"""The one app factory: configuration, store and clock in; a ready ASGI application out.

The application is the edge (impl/edge/pipeline.py): one pipeline compiled from spec/openapi.yaml at start-up
(impl/edge/compiled.py) runs every operation — route, body, authentication, limits, validation, idempotency,
handler, headers — and serves the WebSocket gateway at `/v1/ws` (impl/ws/, spec/asyncapi.yaml), the spec as
written at `/v1/openapi.json` (and `.yaml`), the stream's document and its HTML rendering. Connexion hosts Swagger
UI at `/v1/ui/` and resolves operationIds (`impl.api.<tag>.<snake_case(operationId)>`, checked for every operation
here: an operation without a handler fails start-up). The lifespan starts and stops the trading link (a worker's
NATS connection with COOUD_BUS=nats://, impl/bus/), the stream's timers and, in the embedded mode, the operator
inbox (impl/operator.py; with the bus, `cooud engine` runs it).
Nothing happens at import time; `create_app` opens the store, applies migrations and seeds demo listings.
The store belongs to whoever built the app (it outlives any one ASGI lifespan: test clients start and stop
lifespans freely); `cooud serve` closes it when the server stops.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

import connexion
import orjson
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolution, Resolver

from generated.operations import BASE_PATH
from impl.bus import is_nats
from impl.config import Config
from impl.edge.compiled import compile_operations, handler_name, load_spec
from impl.edge.pipeline import Document, Edge
from impl.operator import OperatorInbox
from impl.services import build_services
from impl.ws.gateway import Stream
from impl.ws.order_entry import OrderEntry

log = logging.getLogger("cooud.app")
STREAM_DOCS = Path(__file__).resolve().parent.parent / "generated" / "docs" / "asyncapi.html"


class OperationTableResolver(Resolver):
    """Resolves to `handler_name(operationId)` (impl/edge/compiled.py)."""

    def resolve(self, operation) -> Resolution:
        op_id = operation.operation_id
        return Resolution(self.resolve_function_from_operation_id(handler_name(op_id)), op_id)


def _swagger_ui(spec_dir: Path):
    """Connexion serving Swagger UI only (the edge answers everything else before it gets here)."""
    cx = connexion.AsyncApp(__name__, specification_dir=str(spec_dir),
                            swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
                            middlewares=[SwaggerUIMiddleware])
    cx.add_api("openapi.yaml", base_path=BASE_PATH, resolver=OperationTableResolver())
    return cx


def _documents(spec_dir: Path) -> dict[str, Document]:
    spec_yaml = (spec_dir / "openapi.yaml").read_bytes()
    return {f"{BASE_PATH}/openapi.json": Document(orjson.dumps(load_spec(str(spec_dir))), "application/json"),
            f"{BASE_PATH}/openapi.yaml": Document(spec_yaml, "application/yaml"),
            f"{BASE_PATH}/asyncapi.yaml": Document((spec_dir / "asyncapi.yaml").read_bytes(), "application/yaml"),
            f"{BASE_PATH}/ui/stream/": Document(STREAM_DOCS.read_bytes(), "text/html; charset=utf-8")}


def app_from_env():
    """`create_app()` from the environment: the import-string factory `cooud serve --workers N` gives uvicorn."""
    return create_app()


def create_app(config: Config | None = None, *, now_ms: Callable[[], int] | None = None, password_hasher=None):
    config = config or Config.from_env()
    services = build_services(config, now_ms, password_hasher)
    remote = is_nats(config.bus)  # the engine runs in `cooud engine` (impl/bus/): so do its operator inbox ...
    if not remote:  # ... and the recovery of unfinished keys (other workers' requests are in flight; see there)
        services.store.release_unfinished_idempotency_keys()  # a previous process's unfinished requests
    spec_dir = Path(config.spec_dir)
    stream = Stream(services, services.hub, services.books)
    inbox = None if remote else OperatorInbox(services.trading, services.store)  # `cooud deposit` (impl/operator.py)

    @contextlib.asynccontextmanager
    async def lifespan():
        await services.trading.start()
        await stream.start()
        if inbox is not None:
            inbox.start()
        try:
            yield
        finally:
            if inbox is not None:
                inbox.stop()
            await stream.stop()
            await services.trading.stop()

    app = Edge(services=services, operations=compile_operations(str(spec_dir)), documents=_documents(spec_dir),
               swagger_ui=_swagger_ui(spec_dir), stream=stream, lifespan=lifespan,
               max_body_bytes=config.max_body_bytes, cors_origins=config.cors_origins,
               validate_responses=config.validate_responses)
    # Order-entry frames are REST requests answered by this app's HTTP stack (impl/ws/order_entry.py).
    stream.order_entry = OrderEntry(app, stream.contract.rest_operations)
    app.services = services  # for tests and operator tools
    return app
