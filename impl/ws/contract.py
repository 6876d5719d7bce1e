"""The stream's requests as spec/asyncapi.yaml defines them: JSON Schema validators built once from the document.

The server accepts exactly the request payloads of the document's `receive` operations (`subscribe`,
`unsubscribe`, `ping`, `auth`); their schemas are read from the document (with its `$ref`s into openapi.yaml)
rather than restated here, so a change to the contract changes what the gateway accepts.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

REQUEST_SCHEMAS = {
    "subscribe": "SubscribeRequestPayload",
    "unsubscribe": "UnsubscribeRequestPayload",
    "ping": "PingRequestPayload",
    "auth": "AuthRequestPayload",
}


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=4)
def stream_contract(spec_dir: str) -> StreamContract:
    """One contract per spec folder and process (apps built by tests share it; the documents do not change)."""
    return StreamContract(Path(spec_dir))


class StreamContract:
    def __init__(self, spec_dir: Path) -> None:
        resources = []
        for name in ("asyncapi.yaml", "openapi.yaml"):
            path = (Path(spec_dir) / name).resolve()
            resources.append((path.as_uri(), Resource(yaml.load(path.read_text("utf-8"), _LOADER), DRAFT7)))
        registry = Registry().with_resources(resources)
        base = resources[0][0]
        self._validators = {
            op: Draft7Validator({"$ref": f"{base}#/components/schemas/{schema}"}, registry=registry)
            for op, schema in REQUEST_SCHEMAS.items()
        }
        self._request_id = Draft7Validator({"$ref": f"{base}#/components/schemas/ClientRequestId"}, registry=registry)

    @property
    def ops(self) -> list[str]:
        return sorted(self._validators)

    def request_id(self, value) -> str | None:
        """`value` when it is a valid correlation id (ClientRequestId), else None: an error about a frame that
        could not be parsed echoes only an id its request could legitimately have carried."""
        return value if self._request_id.is_valid(value) else None

    def problems(self, op: str, frame: dict) -> list[dict]:
        """ErrorDetail objects (`field`, `reason`) for a frame of request `op`; empty when it is valid."""
        errors = list(self._validators[op].iter_errors(frame))
        if not errors:
            return []
        ordered = [best_match(errors)] + [e for e in errors if e is not best_match(errors)]
        out = []
        for error in ordered[:20]:
            field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
            out.append({"field": (field or "frame")[:256], "reason": error.message[:500]})
        return out
