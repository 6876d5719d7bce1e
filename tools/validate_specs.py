"""Validate the hand-written contracts in ``spec/`` against their official meta-schemas.

Usage: ``python -m tools.validate_specs [--openapi PATH] [--asyncapi PATH] [--node-modules DIR]``
(defaults: ``spec/openapi.yaml``, ``spec/asyncapi.yaml``, ``node_modules`` under the repository root).
Prints one ``OK`` line per document; on any failure prints every problem and exits 1.

Checks, per document:
- OpenAPI: openapi-spec-validator's **3.0** validator (the project is pinned to 3.0.x because connexion 3.3
  rejects 3.1), which also resolves the document's internal ``$ref``s.
- AsyncAPI: the official AsyncAPI **3.0.0** JSON Schema, ``@asyncapi/specs/schemas/3.0.0.json`` from
  ``node_modules`` (``npm ci``), applied with ``jsonschema``'s Draft 7 validator. That file embeds every
  definition under its own ``$id`` (``http://asyncapi.com/definitions/3.0.0/*.json``) and refers to them by
  those absolute URIs; a ``referencing`` Registry built from the file alone resolves them. The registry has
  no retriever, so an unknown URI fails validation instead of being fetched from the network.
- Both: every ``$ref`` (``#/...`` and cross-file, e.g. ``./openapi.yaml#/components/schemas/Error``) must
  point at something that exists; targets in other files are followed transitively. Remote (``http:``)
  refs are rejected: the contract must be checkable offline.
- AsyncAPI semantics the meta-schema cannot express: an operation's (and its reply's) ``messages`` must be
  ``$ref``s to messages of the channel it names (checked only once the document passes the meta-schema).
- YAML: duplicate mapping keys are an error (PyYAML would silently keep the last one).

Known limits: a ``$ref`` key inside example data is treated as a reference. Semantic rules of AsyncAPI and
OpenAPI beyond the above and openapi-spec-validator's are not checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import yaml
from referencing.exceptions import Unresolvable

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OPENAPI = REPO_ROOT / "spec" / "openapi.yaml"
DEFAULT_ASYNCAPI = REPO_ROOT / "spec" / "asyncapi.yaml"
DEFAULT_NODE_MODULES = REPO_ROOT / "node_modules"
ASYNCAPI_METASCHEMA = Path("@asyncapi", "specs", "schemas", "3.0.0.json")


class SpecError(Exception):
    """A document cannot be loaded or checked at all (missing file, bad YAML, missing tooling)."""


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader (libyaml's when available: ~5x faster) that refuses duplicate mapping keys."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Load one YAML (or JSON) document; raise SpecError with a readable message if it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from exc


def load_document(path: Path) -> dict:
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise SpecError(f"{path}: the document must be a mapping, got {type(doc).__name__}")
    return doc


def escape_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def to_pointer(segments) -> str:
    """JSON pointer (RFC 6901) for a sequence of keys/indexes; '' is the whole document."""
    return "".join("/" + escape_token(s) for s in segments)


def resolve_pointer(doc: Any, pointer: str) -> Any:
    """Follow an (unquoted) JSON pointer; raise KeyError naming the first missing segment."""
    if pointer == "":
        return doc
    if not pointer.startswith("/"):
        raise KeyError(f"fragment {pointer!r} is not a JSON pointer")
    node = doc
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(f"no {token!r}")
    return node


def iter_refs(node: Any, segments: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Yield (location, ref) for every string ``$ref`` in a tree."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield segments + ("$ref",), ref
        for key, value in node.items():
            if key != "$ref":
                yield from iter_refs(value, segments + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_refs(value, segments + (index,))


def check_refs(path: Path) -> tuple[list[str], int, int]:
    """Check that every $ref reachable from the document at ``path`` resolves.

    Returns (problems, number of refs checked, number of those that cross into another file).
    """
    path = Path(path).resolve()
    docs: dict[Path, Any] = {}
    problems: list[str] = []
    checked = external = 0

    def get(file: Path) -> Any:
        if file not in docs:
            docs[file] = load_yaml(file)
        return docs[file]

    todo: list[tuple[Path, str]] = [(path, "")]
    seen: set[tuple[Path, str]] = set()
    while todo:
        file, pointer = todo.pop()
        if (file, pointer) in seen:
            continue
        seen.add((file, pointer))
        for location, ref in iter_refs(resolve_pointer(get(file), pointer)):
            checked += 1
            where = f"{file.name}#{pointer}{to_pointer(location)}"
            target_part, fragment = urldefrag(ref)
            if urlsplit(target_part).scheme:
                problems.append(f"{where}: $ref {ref!r} is not a relative file reference (remote refs are not allowed)")
                continue
            if target_part:
                external += 1
                target = (file.parent / unquote(target_part)).resolve()
                try:
                    target_doc = get(target)
                except SpecError as exc:
                    problems.append(f"{where}: $ref {ref!r}: {exc}")
                    continue
            else:
                target, target_doc = file, get(file)
            fragment = unquote(fragment)
            try:
                resolve_pointer(target_doc, fragment)
            except KeyError as exc:
                problems.append(f"{where}: $ref {ref!r} points at nothing in {target.name} ({exc.args[0]})")
                continue
            if target != file:
                todo.append((target, fragment))
    return problems, checked, external


def validate_openapi(path: Path) -> list[str]:
    """Problems found by openapi-spec-validator's OpenAPI 3.0 validator (empty list: valid)."""
    from openapi_spec_validator import OpenAPIV30SpecValidator

    doc = load_document(path)
    validator = OpenAPIV30SpecValidator(doc, base_uri=Path(path).resolve().as_uri())
    try:
        return [_describe(error, "OpenAPI 3.0") for error in validator.iter_errors()]
    except Unresolvable as exc:
        # The validator stops at the first dangling $ref; check_refs lists every one of them.
        return [f"openapi-spec-validator stopped at a $ref to nothing: {exc.ref!r}"]


def load_asyncapi_validator(node_modules: Path):
    """A Draft 7 validator for the official AsyncAPI 3.0.0 meta-schema, resolving only from that file."""
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    schema_path = Path(node_modules) / ASYNCAPI_METASCHEMA
    if not schema_path.is_file():
        raise SpecError(
            f"AsyncAPI meta-schema not found at {schema_path}: run `npm ci` in {REPO_ROOT} "
            "to install the pinned @asyncapi/specs package")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    registry = Registry().with_resource(schema["$id"], DRAFT7.create_resource(schema)).crawl()
    cls = jsonschema.Draft7Validator
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


def _leaves(error) -> Iterator:
    if not error.context:
        yield error
    for sub in error.context or ():
        yield from _leaves(sub)


def _describe(error, spec: str) -> str:
    """One line per meta-schema error (jsonschema ValidationError).

    A oneOf/anyOf failure (e.g. "a Reference or a Server") would print the whole offending object; instead
    name the deepest sub-error, which is where the document actually goes wrong.
    """
    where = to_pointer(error.absolute_path) or "/"
    if not error.context:
        return f"{where}: {error.message.splitlines()[0][:300]}"
    leaves = [e for e in _leaves(error) if e.message != "'$ref' is a required property"] or list(_leaves(error))
    closest = max(leaves, key=lambda e: len(e.absolute_path))
    return (f"{where}: matches none of the forms the {spec} schema allows here; closest problem: "
            f"{to_pointer(closest.absolute_path) or '/'}: {closest.message.splitlines()[0][:300]}")


def operation_message_problems(doc: dict) -> list[str]:
    """The one AsyncAPI 3 rule the meta-schema cannot express that we rely on: an operation's ``messages``
    (and its reply's) must be ``$ref``s to messages of the channel the operation (or reply) names."""
    problems = []
    for name, op in (doc.get("operations") or {}).items():
        if not isinstance(op, dict):
            continue
        for where, part in ((f"/operations/{name}", op), (f"/operations/{name}/reply", op.get("reply"))):
            if not isinstance(part, dict) or "messages" not in part:
                continue
            channel = (part.get("channel") or {}).get("$ref", "")
            for i, msg in enumerate(part.get("messages") or []):
                ref = msg.get("$ref", "") if isinstance(msg, dict) else ""
                if not channel.startswith("#/channels/") or not ref.startswith(channel + "/messages/"):
                    problems.append(f"{where}/messages/{i}: {ref!r} is not a message of the channel {channel!r}")
    return problems


def validate_asyncapi(path: Path, node_modules: Path = DEFAULT_NODE_MODULES) -> list[str]:
    """Problems found by the AsyncAPI 3.0.0 meta-schema and operation_message_problems (empty list: valid)."""
    validator = load_asyncapi_validator(node_modules)
    doc = load_document(path)
    errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        return [_describe(e, "AsyncAPI 3.0.0") for e in errors]
    return operation_message_problems(doc)


def display(path: Path) -> str:
    """The path as the user would type it: relative to the current directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _run(label: str, path: Path, check) -> bool:
    try:
        problems = check()
        ref_problems, refs, external = check_refs(path)
    except SpecError as exc:
        print(f"FAIL {label} {display(path)}: {exc}", file=sys.stderr)
        return False
    problems += ref_problems
    if problems:
        print(f"FAIL {label} {display(path)}: {len(problems)} problem(s)", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return False
    print(f"OK {label} {display(path)}: valid; {refs} $ref(s) resolve ({external} cross-file)")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.validate_specs", description=__doc__.splitlines()[0])
    parser.add_argument("--openapi", type=Path, default=DEFAULT_OPENAPI)
    parser.add_argument("--asyncapi", type=Path, default=DEFAULT_ASYNCAPI)
    parser.add_argument("--node-modules", type=Path, default=DEFAULT_NODE_MODULES,
                        help="where `npm ci` installed @asyncapi/specs (default: %(default)s)")
    args = parser.parse_args(argv)
    ok_openapi = _run("OpenAPI 3.0", args.openapi, lambda: validate_openapi(args.openapi))
    ok_asyncapi = _run("AsyncAPI 3.0.0", args.asyncapi, lambda: validate_asyncapi(args.asyncapi, args.node_modules))
    return 0 if ok_openapi and ok_asyncapi else 1


if __name__ == "__main__":
    sys.exit(main())
