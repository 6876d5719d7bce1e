"""Schemathesis hooks shared by the in-process and the live (CLI, SCHEMATHESIS_HOOKS) conformance runs.

`error_envelope_conformance`: every 4xx/5xx response carries the one envelope, its code exists in the
spec's error catalogue with exactly this HTTP status, the operation lists the code in `x-cooud-errors`, and
`error.request_id` equals the `X-Request-Id` header. The spec's catalogue is read from the document under
test, so this holds the server to the same text integrators read.
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
import yaml

_SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
_CATALOGUE = yaml.safe_load(_SPEC.read_text())["x-cooud-error-catalogue"]


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
