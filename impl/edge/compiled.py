"""The spec, compiled once at start-up into what the edge runs per request.

For every operation of the generated operation table (generated/operations.py) and its definition in
spec/openapi.yaml:
- its route (impl/edge/router.py);
- its parameters (path, query, header) with a coercion (query integers) and a compiled validator each;
- its JSON body's validator and whether a body is required;
- its responses' validators (used when response validation is on, as in the tests);
- its handler, resolved from the operationId by connexion's public `Resolver` (`impl.api.<tag>.<snake_case>`),
  whether it is a coroutine function, and which arguments it takes (only those are passed).

Validators are jsonschema-rs Draft 4 validators with formats checked: its regular expressions follow ECMA-262 as
JSON Schema requires — `$` matches only at the very end, so `"0.01\n"` does not match `^…$` (Python's `re` would
accept it). OpenAPI 3.0's `nullable: true` is rewritten once into JSON Schema (`type: [t, "null"]`, or `anyOf`
with `{"type": "null"}` where there is no `type`). `$ref`s stay references into the document's `components`, which
each validator carries.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema_rs
import yaml
from connexion.resolver import Resolver

from generated.operations import OPERATIONS, Operation
from impl.middleware.lifecycle import lifecycle_headers


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    location: str  # path | query | header
    key: str  # how it is looked up: the name, lower case for headers
    required: bool
    integer: bool  # query integers are coerced before validation
    validator: object
    default: object
    passed: bool  # the handler takes it as a keyword argument


@dataclass(frozen=True, slots=True)
class ResponseRule:
    validator: object | None  # of the JSON body; None when the response has none
    required_headers: tuple[str, ...]  # lower case


@dataclass(frozen=True, slots=True)
class CompiledOperation:
    op: Operation
    handler: Callable
    is_async: bool
    params: tuple[Param, ...]
    query_names: frozenset[str]
    body_validator: object | None
    body_required: bool
    body_passed: bool
    responses: dict[str, ResponseRule]
    lifecycle: tuple[tuple[bytes, bytes], ...]


def handler_name(operation_id: str) -> str:
    """`impl.api.<tag>.<snake_case>` for an operationId (tag `api-keys` is module `api_keys`)."""
    op = OPERATIONS[operation_id]
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()
    return f"impl.api.{op.tag.replace('-', '_')}.{snake}"


@cache
def load_spec(spec_dir: str) -> dict:
    """spec/openapi.yaml as written (parsed once per process; never modified — compile works on a copy)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((Path(spec_dir) / "openapi.yaml").read_text(), Loader=loader)


def _json_schema(node):
    """A copy of an OpenAPI 3.0 schema tree with `nullable: true` written as JSON Schema."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class _Compiler:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.components = {"schemas": _json_schema(spec.get("components", {}).get("schemas", {}))}

    def resolve(self, node: dict) -> dict:
        while isinstance(node, dict) and "$ref" in node:
            target = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def validator(self, schema: dict):
        document = {**_json_schema(schema), "components": self.components}
        return jsonschema_rs.Draft4Validator(document, validate_formats=True)

    def operation(self, op: Operation, resolver: Resolver) -> CompiledOperation:
        item = self.spec["paths"][op.path]
        definition = item[op.method.lower()]
        handler = resolver.resolve_function_from_operation_id(handler_name(op.operation_id))
        accepted = set(inspect.signature(handler).parameters)
        params = []
        for raw in [*item.get("parameters", []), *definition.get("parameters", [])]:
            p = self.resolve(raw)
            schema = self.resolve(p.get("schema", {}))
            location = p["in"]
            params.append(Param(
                name=p["name"], location=location, key=p["name"].lower() if location == "header" else p["name"],
                required=bool(p.get("required")), integer=schema.get("type") == "integer",
                validator=self.validator(p.get("schema", {})), default=schema.get("default"),
                passed=location != "header" and p["name"] in accepted))
        body = definition.get("requestBody")
        body_schema = None
        if body is not None:
            body = self.resolve(body)
            media = body.get("content", {}).get("application/json")
            body_schema = media.get("schema") if media else None
        return CompiledOperation(
            op=op, handler=handler, is_async=inspect.iscoroutinefunction(handler), params=tuple(params),
            query_names=frozenset(p.name for p in params if p.location == "query"),
            body_validator=self.validator(body_schema) if body_schema is not None else None,
            body_required=bool(body and body.get("required")), body_passed="body" in accepted,
            responses={str(status): self.response(r) for status, r in definition.get("responses", {}).items()},
            lifecycle=lifecycle_headers(op.deprecated, op.deprecated_at, op.sunset))

    def response(self, response: dict) -> ResponseRule:
        response = self.resolve(response)
        media = response.get("content", {}).get("application/json")
        headers = tuple(name.lower() for name, h in response.get("headers", {}).items()
                        if self.resolve(h).get("required"))
        return ResponseRule(self.validator(media["schema"]) if media and "schema" in media else None, headers)


def compile_operations(spec_dir: str) -> dict[str, CompiledOperation]:
    """Every operation of the table, compiled; fails at start-up if one has no handler or no definition."""
    compiler = _Compiler(load_spec(spec_dir))
    resolver = Resolver()
    return {op_id: compiler.operation(op, resolver) for op_id, op in OPERATIONS.items()}

