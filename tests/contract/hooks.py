"""Schemathesis hooks shared by the in-process and the live (CLI, SCHEMATHESIS_HOOKS) conformance runs.

`CooudAuth` gives private operations real credentials, the way an integrator would get them: it signs in
with a password (POST /auth/login), replaces the account's API keys with one fresh read+trade key, and then
sends either a bearer JWT (session-only operations) or an HMAC signature (version 2) over the exact bytes the
request will carry (everything else). Credentials come from `configure()` (in-process) or the COOUD_ST_EMAIL /
COOUD_ST_PASSWORD environment variables (CLI). A 401 (the run itself may log out or delete keys) makes
schemathesis fetch fresh ones. `ignored_auth` then proves that without these credentials the same requests
are refused.

`error_envelope_conformance`: every 4xx/5xx response carries the one envelope, its code exists in the
spec's error catalogue with exactly this HTTP status, the operation lists the code in `x-cooud-errors`, and
`error.request_id` equals the `X-Request-Id` header.
"""

from __future__ import annotations

import copy
import os
import re
import time
import uuid
import zlib
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import requests
import schemathesis
import yaml

from generated.operations import OPERATIONS
from impl.security import signing

_SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
_CATALOGUE = yaml.safe_load(_SPEC.read_text())["x-cooud-error-catalogue"]
_CREDENTIALS = {"email": os.environ.get("COOUD_ST_EMAIL"), "password": os.environ.get("COOUD_ST_PASSWORD")}


def configure(email: str, password: str) -> None:
    _CREDENTIALS.update(email=email, password=password)


def _http(ctx, case):
    if ctx.app is not None:
        from starlette.testclient import TestClient

        return TestClient(ctx.app, base_url="http://localhost")
    import httpx

    return httpx.Client(base_url=case.operation.base_url.rsplit("/v1", 1)[0])


@schemathesis.auth()
class CooudAuth:
    def get(self, case, ctx):
        if not _CREDENTIALS["email"]:
            return None
        with _http(ctx, case) as http:
            login = http.post("/v1/auth/login", json={"email": _CREDENTIALS["email"],
                                                      "password": _CREDENTIALS["password"]})
            login.raise_for_status()
            bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
            http.delete("/v1/account/api-keys", headers={**bearer, "Idempotency-Key": str(uuid.uuid4())})
            key = http.post("/v1/account/api-keys", headers=bearer,
                            json={"label": "schemathesis", "scopes": ["read", "trade"]})
            key.raise_for_status()
        return {"bearer": bearer["Authorization"], "key_id": key.json()["id"], "secret": key.json()["secret"]}

    def set(self, case, data, ctx):
        op = OPERATIONS[case.operation.definition.raw["operationId"]]
        schemes = {name for requirement in op.security for name in requirement}
        if "apiKey" in schemes and op.permission != "session":
            _SECRETS[data["key_id"]] = data["secret"]
            case.headers = {**(case.headers or {}), "X-Cooud-Key": data["key_id"]}
            _sign(case)  # again in before_call, over the request exactly as it will be sent
        elif "bearerAuth" in schemes:
            case.headers = {**(case.headers or {}), "Authorization": data["bearer"]}


_SECRETS: dict[str, str] = {}


_LAST_MS = [0]  # the last v2 timestamp signed: strictly increasing milliseconds, as the SDK makes them


def _sign(case) -> None:
    """Sign the request the case will send, over its exact bytes. Signature version 2 (the current recipe:
    millisecond timestamp, Idempotency-Key signed) unless the case asks for version 1 (deprecated:
    timestamp + METHOD + path-with-query + body, in seconds); a generated invalid version is kept, and the request
    signed as version 2, so the server refuses it for its version alone."""
    prepared = requests.Request(**_request_kwargs(case)).prepare()
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body
    secret = _SECRETS[case.headers["X-Cooud-Key"]]
    version = case.headers.setdefault("X-Cooud-Signature-Version", "2")
    if str(version) == "1":
        timestamp = str(int(time.time()))
        sig = signing.sign(secret, timestamp, prepared.method, prepared.path_url, body)
    else:
        _LAST_MS[0] = max(int(time.time() * 1000), _LAST_MS[0] + 1)
        timestamp = str(_LAST_MS[0])
        idempotency_key = str(case.headers.get("Idempotency-Key", ""))
        sig = signing.sign_v2(secret, timestamp, prepared.method, prepared.path_url, idempotency_key, body)
    case.headers["X-Cooud-Timestamp"] = timestamp
    case.headers["X-Cooud-Signature"] = sig


def _request_kwargs(case) -> dict:
    kwargs = case.as_transport_kwargs(base_url="http://localhost/v1")
    return {k: kwargs[k] for k in ("method", "url", "params", "json", "data", "headers") if k in kwargs}


_CLIENT_ORDER_ID = re.compile(r"^[A-Za-z0-9_-]{1,36}$")
_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@schemathesis.hook
def before_call(context, case, kwargs):
    """A client uses a fresh Idempotency-Key per logical operation. Generation repeats a few valid values (the
    spec's example, boundary UUIDs) across different requests, which the server rightly refuses with 422
    idempotency_key_reused; so a valid key becomes a fresh one. Invalid keys (negative tests) are kept."""
    if case.headers and _UUID4.match(str(case.headers.get("Idempotency-Key", ""))):
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    # Likewise a client gives each new order its own client_order_id; generation repeats the example's "mm-42",
    # which the server rightly refuses as a duplicate after the first order. Invalid ids (negative tests) are kept.
    orders = case.body.get("orders") if isinstance(case.body, dict) else None
    for order in [case.body, *(orders if isinstance(orders, list) else [])]:
        if isinstance(order, dict) and _CLIENT_ORDER_ID.match(str(order.get("client_order_id", ""))):
            order["client_order_id"] = f"st-{uuid.uuid4().hex[:12]}"
    # Auth is applied before some phases settle the case's final body (e.g. an explicit example), so a signature
    # made in CooudAuth.set can be over other bytes; sign the final request here.
    if case.headers and case.headers.get("X-Cooud-Key") in _SECRETS:
        _sign(case)


_SYMBOL = re.compile(r"^[A-Z0-9]{2,10}/[A-Z0-9]{2,10}$")
_DECIMAL = re.compile(r"^(0|[1-9][0-9]{0,29})(\.[0-9]{1,18})?$")
_ORDER_OPERATIONS = {"placeOrder", "previewOrder", "placeOrderBatch"}


def _on_the_grid(order: dict) -> None:
    """Move a generated order onto BTC/USDT's grid (tick 0.01, step 0.00001, notional >= 5) keeping every value
    inside its schema, for about half the orders (by a stable hash of the generated symbol)."""
    symbol = order.get("symbol")
    if not (isinstance(symbol, str) and _SYMBOL.match(symbol)) or zlib.crc32(symbol.encode()) % 2:
        return
    order["symbol"] = "BTC/USDT"
    for field, low, high, step in (("price", "1000", "100000", "0.01"), ("size", "0.001", "1", "0.00001"),
                                   ("quote_size", "10", "1000", "0.01")):
        value = order.get(field)
        if isinstance(value, str) and _DECIMAL.match(value):
            number = min(max(Decimal(value), Decimal(low)), Decimal(high))
            order[field] = str(number.quantize(Decimal(step), rounding=ROUND_DOWN))


@schemathesis.hook
def map_body(context, body):
    """Market rules are data no schema holds (listed symbols, tick and step sizes), so uniformly generated orders
    almost never place, and the stateful phase could not follow place -> get -> cancel. Half of the generated
    orders are moved onto a listed market's grid (values stay schema-valid, so negative cases stay negative);
    the other half keep exercising the rule checks (unknown market, off-tick, ...)."""
    operation = getattr(context, "operation", None)
    if operation is None or operation.definition.raw.get("operationId") not in _ORDER_OPERATIONS:
        return body
    if isinstance(body, dict):
        body = copy.deepcopy(body)  # generated values may be shared with other cases
        for order in [body, *(body.get("orders") if isinstance(body.get("orders"), list) else [])]:
            if isinstance(order, dict):
                _on_the_grid(order)
    return body


@schemathesis.check
def error_envelope_conformance(ctx, response, case):
    if response.status_code < 400:
        return None
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), f"not the error envelope: {body!r}"
    error = body["error"]
    code = error.get("code")
    assert code in _CATALOGUE, f"error code {code!r} is not in x-cooud-error-catalogue"
    assert _CATALOGUE[code]["status"] == response.status_code, (
        f"{code!r} is catalogued with status {_CATALOGUE[code]['status']}, sent with {response.status_code}"
    )
    # An unknown path or method has no operation to list its code on.
    pipeline_codes = {"method_not_allowed", "not_found"}
    listed = case.operation.definition.raw.get("x-cooud-errors", [])
    assert code in listed or code in pipeline_codes, f"{code!r} not in x-cooud-errors of {case.operation.label}"
    header = response.headers.get("x-request-id", [None])[0]
    assert error.get("request_id") == header, "request_id differs from X-Request-Id"
    return None
