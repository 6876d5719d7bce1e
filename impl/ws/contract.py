"""The stream's requests as spec/asyncapi.yaml defines them: JSON Schema validators built once from the document.

The server accepts exactly the request payloads of the document's `receive` operations: each operation's request
message names its payload schema, whose `op` property is a `const` (`subscribe`, `unsubscribe`, `ping`, `auth`,
`place_order`, `amend_order`, `cancel_order`). Both the list of ops and their schemas are read from the document
(with its `$ref`s into openapi.yaml) rather than restated here, so a change to the contract changes what the
gateway accepts; the gateway checks at start-up that it has a handler for every op (impl/ws/gateway.py).

An operation marked `x-cooud-rest-operation: <operationId>` is order entry: its frames are that REST operation's
requests carried in a frame (impl/ws/order_entry.py); `rest_operations` maps its op to the operationId.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=4)
def stream_contract(spec_dir: str) -> StreamContract:
    """One contract per spec folder and process (apps built by tests share it; the documents do not change)."""
    return StreamContract(Path(spec_dir))


def _local(doc: dict, node):
    """`node` with a chain of local `$ref`s (`#/…`) followed; (contents, the last ref or None)."""
    ref = None
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"spec/asyncapi.yaml: request messages must be local references, got {ref!r}")
        node = doc
        for token in ref[2:].split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
    return node, ref


def request_payloads(doc: dict) -> tuple[dict[str, str], dict[str, str]]:
    """({op: the `$ref` of its payload schema}, {op: REST operationId}) of the document's `receive` operations."""
    schemas: dict[str, str] = {}
    rest: dict[str, str] = {}
    for operation in doc["operations"].values():
        if operation["action"] != "receive":
            continue
        for message_ref in operation.get("messages", []):
            message, _ = _local(doc, message_ref)
            payload, payload_ref = _local(doc, message["payload"])
            op = payload["properties"]["op"]["const"]
            if op in schemas:
                raise ValueError(f"spec/asyncapi.yaml: op {op!r} is the request of two operations")
            schemas[op] = payload_ref
            if "x-cooud-rest-operation" in operation:
                rest[op] = operation["x-cooud-rest-operation"]
    return schemas, rest


class StreamContract:
    def __init__(self, spec_dir: Path) -> None:
        resources = []
        documents = {}
        for name in ("asyncapi.yaml", "openapi.yaml"):
            path = (Path(spec_dir) / name).resolve()
            documents[name] = yaml.load(path.read_text("utf-8"), _LOADER)
            resources.append((path.as_uri(), Resource(documents[name], DRAFT7)))
        registry = Registry().with_resources(resources)
        base = resources[0][0]
        schemas, self.rest_operations = request_payloads(documents["asyncapi.yaml"])
        self._validators = {op: Draft7Validator({"$ref": f"{base}{ref}"}, registry=registry)
                            for op, ref in schemas.items()}
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
