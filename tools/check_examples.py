"""Check that every example in the contracts validates against the schema it illustrates.

Usage: ``python -m tools.check_examples [--openapi PATH] [--asyncapi PATH]``.
Prints the number of examples checked per document and every failure as a JSON pointer to the offending
value; exits 1 on any failure. Finding **no** example in a document is a failure too: it means the walker
below no longer understands the document, not that the document is fine.

Where examples are looked for (an example is validated against the schema of the object that holds it):
- OpenAPI 3.0: schema ``example`` (every schema, nested ones included); parameter, header and media-type
  ``example`` and ``examples.*.value`` (``$ref``s to ``components/examples`` followed), in paths, path items,
  operations, callbacks and ``components``.
- AsyncAPI 3.0: message ``examples[].payload`` / ``examples[].headers`` against the message's payload / headers;
  schema ``examples[]`` (and ``example``); server-variable and channel-parameter ``examples`` against their
  ``enum``.
Objects that are ``$ref``s are not walked where they are used but where they are defined, so each example is
checked once.

Invariants: schemas are applied with ``jsonschema``'s Draft 7 validator and a FormatChecker (``date-time`` is
required to be checkable, and ``int32``/``int64`` ranges are enforced). OpenAPI 3.0 schemas are first rewritten to
JSON Schema: ``nullable: true`` next to a ``type`` adds ``"null"`` to the type (and ``None`` to an ``enum``), as
OAS 3.0.3 specifies; boolean ``exclusiveMinimum``/``exclusiveMaximum`` become numeric. That rewrite applies to every
file that is an OpenAPI document, including when an AsyncAPI schema ``$ref``s it, so a shared shape is judged the
same way from both documents. ``$ref``s resolve through a ``referencing`` Registry that only reads local files.
Example values must be plain JSON: a YAML timestamp or other non-JSON value is a failure (quote it).

Known limits: ``externalValue`` examples and examples on AsyncAPI message traits are not checked (reported as
skipped); message payloads in a schema format other than AsyncAPI / JSON Schema / OpenAPI 3.0 are a failure.
"""

from __future__ import annotations

import argparse
import copy
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

import jsonschema
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT7

from tools.validate_specs import (
    DEFAULT_ASYNCAPI,
    DEFAULT_OPENAPI,
    SpecError,
    display,
    load_document,
    resolve_pointer,
    to_pointer,
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Keywords whose value is one subschema / a list of subschemas / a map of subschemas (Draft 7 and OAS 3.0).
SCHEMA_ONE = ("additionalProperties", "items", "not", "additionalItems", "contains", "propertyNames", "if", "then",
              "else")
SCHEMA_LIST = ("allOf", "anyOf", "oneOf", "items")
SCHEMA_MAP = ("properties", "patternProperties", "definitions", "dependencies")
JSON_SCHEMA_FORMATS = ("application/schema+json;version=draft-07", "application/schema+yaml;version=draft-07")


@dataclass
class Example:
    pointer: tuple  # where the example value is, in its document
    value: Any
    schema: dict  # what it must validate against, usually {"$ref": "<file uri>#<pointer>"}


@dataclass
class Walk:
    """What a walk over one document found."""

    path: Path
    examples: list[Example] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return self.path.resolve().as_uri()

    def add(self, pointer: tuple, value: Any, schema_at: tuple | None) -> None:
        """Record an example of the schema at ``schema_at`` in this document (None: there is no schema)."""
        if schema_at is None:
            self.skipped.append(f"{to_pointer(pointer)}: no schema to check it against")
            return
        ref = {"$ref": self.uri + "#" + quote(to_pointer(schema_at), safe="/~")}
        self.examples.append(Example(pointer, value, ref))


def _segments(pointer: str) -> tuple:
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in unquote(pointer).split("/")[1:])


def _is_ref(node: Any) -> bool:
    return isinstance(node, dict) and "$ref" in node


def _items(node: Any) -> Iterator[tuple[Any, Any]]:
    return iter(node.items()) if isinstance(node, dict) else iter(())


# --- OpenAPI 3.0 -----------------------------------------------------------------------------------------------

def normalise_openapi(node: Any) -> Any:
    """A copy of an OpenAPI 3.0 document whose schemas read as JSON Schema Draft 7 (see module docstring)."""
    node = copy.deepcopy(node)

    def fix(n: Any) -> None:
        if isinstance(n, dict):
            if n.get("nullable") is True and isinstance(n.get("type"), str):
                n["type"] = [n["type"], "null"]
                if isinstance(n.get("enum"), list) and None not in n["enum"]:
                    n["enum"] = [*n["enum"], None]
            for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
                if isinstance(n.get(bound), bool):
                    if n[bound] and limit in n:
                        n[bound] = n.pop(limit)
                    else:
                        del n[bound]
            for value in n.values():
                fix(value)
        elif isinstance(n, list):
            for value in n:
                fix(value)

    fix(node)
    return node


def _schema(w: Walk, node: Any, at: tuple, asyncapi: bool = False) -> None:
    if not isinstance(node, dict) or _is_ref(node):
        return
    if "example" in node:
        w.add(at + ("example",), node["example"], at)
    if asyncapi and isinstance(node.get("examples"), list):
        for i, value in enumerate(node["examples"]):
            w.add(at + ("examples", i), value, at)
    for key in SCHEMA_ONE:
        if isinstance(node.get(key), dict):
            _schema(w, node[key], at + (key,), asyncapi)
    for key in SCHEMA_LIST:
        if isinstance(node.get(key), list):
            for i, sub in enumerate(node[key]):
                _schema(w, sub, at + (key, i), asyncapi)
    for key in SCHEMA_MAP:
        for name, sub in _items(node.get(key)):
            _schema(w, sub, at + (key, name), asyncapi)


def _example_map(w: Walk, doc: dict, holder: dict, at: tuple, schema_at: tuple | None) -> None:
    """``example`` and ``examples`` of a parameter, header or media type."""
    if "example" in holder:
        w.add(at + ("example",), holder["example"], schema_at)
    for name, ex in _items(holder.get("examples")):
        where = at + ("examples", name)
        if _is_ref(ex):
            ref = ex["$ref"]
            try:
                if not ref.startswith("#"):
                    raise KeyError("only local refs are followed")
                ex = resolve_pointer(doc, unquote(ref[1:]))
            except KeyError as exc:
                w.problems.append(f"{to_pointer(where)}: cannot follow $ref {ref!r}: {exc.args[0]}")
                continue
            where = _segments(ref[1:])
        if isinstance(ex, dict) and "value" in ex:
            w.add(where + ("value",), ex["value"], schema_at)
        elif isinstance(ex, dict) and "externalValue" in ex:
            w.skipped.append(f"{to_pointer(where)}: externalValue is not checked")


def _media_types(w: Walk, doc: dict, content: Any, at: tuple) -> None:
    for media, mt in _items(content):
        if not isinstance(mt, dict):
            continue
        where = at + (media,)
        _schema(w, mt.get("schema"), where + ("schema",))
        _example_map(w, doc, mt, where, where + ("schema",) if "schema" in mt else None)


def _parameter(w: Walk, doc: dict, param: Any, at: tuple) -> None:
    """A parameter or a header: either ``schema`` (+ examples) or ``content``."""
    if not isinstance(param, dict) or _is_ref(param):
        return
    _schema(w, param.get("schema"), at + ("schema",))
    _example_map(w, doc, param, at, at + ("schema",) if "schema" in param else None)
    _media_types(w, doc, param.get("content"), at + ("content",))


def _response(w: Walk, doc: dict, resp: Any, at: tuple) -> None:
    if not isinstance(resp, dict) or _is_ref(resp):
        return
    for name, header in _items(resp.get("headers")):
        _parameter(w, doc, header, at + ("headers", name))
    _media_types(w, doc, resp.get("content"), at + ("content",))


def _path_item(w: Walk, doc: dict, item: Any, at: tuple) -> None:
    if not isinstance(item, dict) or _is_ref(item):
        return
    for i, param in enumerate(item.get("parameters") or []):
        _parameter(w, doc, param, at + ("parameters", i))
    for method in HTTP_METHODS:
        op = item.get(method)
        if not isinstance(op, dict):
            continue
        where = at + (method,)
        for i, param in enumerate(op.get("parameters") or []):
            _parameter(w, doc, param, where + ("parameters", i))
        body = op.get("requestBody")
        if isinstance(body, dict) and not _is_ref(body):
            _media_types(w, doc, body.get("content"), where + ("requestBody", "content"))
        for status, resp in _items(op.get("responses")):
            _response(w, doc, resp, where + ("responses", status))
        for name, callback in _items(op.get("callbacks")):
            if not _is_ref(callback):
                for expr, cb_item in _items(callback):
                    _path_item(w, doc, cb_item, where + ("callbacks", name, expr))


def walk_openapi(doc: dict, path: Path) -> Walk:
    """Examples of a (normalised) OpenAPI 3.0 document."""
    w = Walk(path)
    for path, item in _items(doc.get("paths")):
        _path_item(w, doc, item, ("paths", path))
    comps = doc.get("components") or {}
    for name, node in _items(comps.get("schemas")):
        _schema(w, node, ("components", "schemas", name))
    for name, node in _items(comps.get("parameters")):
        _parameter(w, doc, node, ("components", "parameters", name))
    for name, node in _items(comps.get("headers")):
        _parameter(w, doc, node, ("components", "headers", name))
    for name, node in _items(comps.get("requestBodies")):
        if isinstance(node, dict) and not _is_ref(node):
            _media_types(w, doc, node.get("content"), ("components", "requestBodies", name, "content"))
    for name, node in _items(comps.get("responses")):
        _response(w, doc, node, ("components", "responses", name))
    for name, callback in _items(comps.get("callbacks")):
        if not _is_ref(callback):
            for expr, item in _items(callback):
                _path_item(w, doc, item, ("components", "callbacks", name, expr))
    return w


# --- AsyncAPI 3.0 ----------------------------------------------------------------------------------------------

def _string_examples(w: Walk, node: Any, at: tuple) -> None:
    """Server variables and channel parameters: string ``examples``, constrained only by ``enum``."""
    if not isinstance(node, dict) or _is_ref(node):
        return
    schema: dict = {"type": "string"}
    if isinstance(node.get("enum"), list):
        schema["enum"] = node["enum"]
    for i, value in enumerate(node.get("examples") or []):
        w.examples.append(Example(at + ("examples", i), value, schema))


def _multiformat(w: Walk, node: Any, where: tuple) -> tuple | None:
    """Where the schema held at ``where`` is, unwrapping an AsyncAPI Multi Format Schema Object; walks it.

    None when there is no schema or its format cannot be checked (the latter is recorded as a problem).
    """
    if node is None:
        return None
    if isinstance(node, dict) and "schemaFormat" in node and not _is_ref(node):
        fmt = str(node["schemaFormat"]).replace(" ", "")
        if fmt.startswith("application/vnd.oai.openapi") and ";version=3.0" in fmt:
            node["schema"] = normalise_openapi(node.get("schema"))
        elif not (fmt.startswith("application/vnd.aai.asyncapi") or fmt in JSON_SCHEMA_FORMATS):
            w.problems.append(f"{to_pointer(where)}: examples cannot be checked against schemaFormat {fmt!r}")
            return None
        node, where = node.get("schema"), where + ("schema",)
    _schema(w, node, where, asyncapi=True)
    return where


def _message(w: Walk, msg: Any, at: tuple) -> None:
    if not isinstance(msg, dict) or _is_ref(msg):
        return
    payload_at = _multiformat(w, msg.get("payload"), at + ("payload",))
    headers_at = _multiformat(w, msg.get("headers"), at + ("headers",))
    for i, ex in enumerate(msg.get("examples") or []):
        if not isinstance(ex, dict):
            continue
        if "payload" in ex:
            w.add(at + ("examples", i, "payload"), ex["payload"], payload_at)
        if "headers" in ex:
            w.add(at + ("examples", i, "headers"), ex["headers"], headers_at)


def walk_asyncapi(doc: dict, path: Path) -> Walk:
    """Examples of an AsyncAPI 3.0 document; normalises OpenAPI-format schemas in it in place."""
    w = Walk(path)
    for name, server in _items(doc.get("servers")):
        if isinstance(server, dict):
            for var, node in _items(server.get("variables")):
                _string_examples(w, node, ("servers", name, "variables", var))
    for name, channel in _items(doc.get("channels")):
        if not isinstance(channel, dict) or _is_ref(channel):
            continue
        for param, node in _items(channel.get("parameters")):
            _string_examples(w, node, ("channels", name, "parameters", param))
        for key, msg in _items(channel.get("messages")):
            _message(w, msg, ("channels", name, "messages", key))
    comps = doc.get("components") or {}
    for name, msg in _items(comps.get("messages")):
        _message(w, msg, ("components", "messages", name))
    for name, node in _items(comps.get("schemas")):
        _multiformat(w, node, ("components", "schemas", name))
    for name, node in _items(comps.get("serverVariables")):
        _string_examples(w, node, ("components", "serverVariables", name))
    for name, node in _items(comps.get("parameters")):
        _string_examples(w, node, ("components", "parameters", name))
    for name, trait in _items(comps.get("messageTraits")):
        if isinstance(trait, dict) and trait.get("examples"):
            w.skipped.append(f"/components/messageTraits/{name}/examples: examples on message traits are not checked")
    return w


# --- validation ------------------------------------------------------------------------------------------------

def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    if "date-time" not in checker.checkers:
        raise SpecError("jsonschema cannot check format 'date-time' (is rfc3339-validator installed?)")

    def int_range(bits: int):
        def check(value: object) -> bool:
            if not isinstance(value, int) or isinstance(value, bool):
                return True
            return -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)
        return check

    checker.checks("int32")(int_range(32))
    checker.checks("int64")(int_range(64))
    return checker


def _non_json(value: Any, at: tuple = ()) -> Iterator[str]:
    """Pointers (and reasons) where a YAML-loaded value is not plain JSON."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if not isinstance(key, str):
                yield f"{to_pointer(at)}: key {key!r} is not a string"
            yield from _non_json(sub, at + (key,))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _non_json(sub, at + (i,))
    elif isinstance(value, float) and not math.isfinite(value):
        yield f"{to_pointer(at)}: {value!r} is not a JSON number"
    elif value is not None and not isinstance(value, str | int | float | bool):
        yield f"{to_pointer(at)}: a YAML {type(value).__name__} is not JSON (quote the value)"


def _registry(docs: dict[str, dict]) -> Registry:
    """Resources for the loaded documents; other local files are loaded on demand, never anything remote."""

    def retrieve(uri: str) -> Resource:
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise NoSuchResource(ref=uri)
        try:
            doc = load_document(Path(url2pathname(unquote(parts.path))))
        except SpecError as exc:
            raise NoSuchResource(ref=uri) from exc
        return DRAFT7.create_resource(normalise_openapi(doc) if "openapi" in doc else doc)

    resources = [(uri, Resource(contents=doc, specification=DRAFT7)) for uri, doc in docs.items()]
    return Registry(retrieve=retrieve).with_resources(resources)


def validate(walks: list[Walk], registry: Registry) -> list[str]:
    checker = _format_checker()
    failures = []
    for w in walks:
        for ex in w.examples:
            where = f"{display(w.path)}#{to_pointer(ex.pointer)}"
            bad_json = list(_non_json(ex.value))
            if bad_json:
                failures += [f"{where}{reason}" for reason in bad_json]
                continue
            validator = jsonschema.Draft7Validator(ex.schema, registry=registry, format_checker=checker)
            try:
                errors = sorted(validator.iter_errors(ex.value), key=lambda e: [str(p) for p in e.absolute_path])
            except Unresolvable as exc:
                # str(exc) would print the whole target document; the ref is what the reader needs.
                failures.append(f"{where}: its schema has a $ref to nothing ({exc.ref!r}); "
                                "`python -m tools.validate_specs` names the $ref")
                continue
            for error in errors:
                failures.append(f"{where}{to_pointer(error.absolute_path)}: {error.message[:300]}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.check_examples", description=__doc__.splitlines()[0])
    parser.add_argument("--openapi", type=Path, default=DEFAULT_OPENAPI)
    parser.add_argument("--asyncapi", type=Path, default=DEFAULT_ASYNCAPI)
    args = parser.parse_args(argv)
    try:
        openapi = normalise_openapi(load_document(args.openapi))
        asyncapi = load_document(args.asyncapi)
        walks = [walk_openapi(openapi, args.openapi), walk_asyncapi(asyncapi, args.asyncapi)]
        failures = validate(walks, _registry({w.uri: doc for w, doc in zip(walks, (openapi, asyncapi), strict=True)}))
    except SpecError as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        return 1
    for label, path, w in (("OpenAPI", args.openapi, walks[0]), ("AsyncAPI", args.asyncapi, walks[1])):
        print(f"{label} {display(path)}: {len(w.examples)} example(s) checked")
        if not w.examples:
            failures.append(f"{display(path)}: no examples found — the walker does not understand this document")
        failures += [f"{display(path)}#{p}" for p in w.problems]
        for note in w.skipped:
            print(f"  skipped {display(path)}#{note}")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        return 1
    print("OK every example validates against its schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
