"""Breaking-change check for the stream contract: ``spec/asyncapi.yaml`` against its last released copy.

Purpose
-------
``python -m tools.breaking`` runs this next to the REST check (one entry point; see ``tools/breaking.py``
for the CLI). ``diff(base, head, base_dir, head_dir) -> list[Change]`` compares two AsyncAPI 3.0 documents
(server point of view) and classifies every change from the point of view of an **existing client written
against base**. It does not reimplement schema comparison: each document is translated into a synthetic
OpenAPI 3.0 document (``to_openapi``) and the two translations go through ``tools.breaking.diff``, so the
stream obeys exactly the REST rules for narrowing and widening.

Translation (``to_openapi``)
----------------------------
- Every *use* of a message by an operation becomes one synthetic operation, so that a message added to or
  removed from an operation is an operation-level change with its own name:
  a message the server **receives** (a ``receive`` operation's messages, or the reply of a ``send``
  operation) becomes ``POST /{operationId}/receive/{message}`` (or ``/reply/``) whose required request body
  is the payload — a *request*: narrowing it breaks clients; a message the server **sends** (a ``send``
  operation's messages, or the reply of a ``receive`` operation) becomes ``GET /{operationId}/send/{message}``
  (or ``/reply/``) whose ``200`` response is the payload — a *response*: widening it breaks clients.
  The media type is the message's ``contentType`` (else ``defaultContentType``, else ``application/json``).
  ``{message}`` is the message's key in its channel (``subscribeRequest``); an operation without
  ``messages`` uses all of its channel's messages, as AsyncAPI says.
- Payload schemas are copied into ``components/schemas``: the document's own ``#/components/schemas/X``
  keep their name ``X``; a schema reached through a cross-file ``$ref`` (``./openapi.yaml#/components/
  schemas/Error``, resolved against the folder of the document that contains the ref, so a released copy
  uses the released ``openapi.yaml`` beside it) becomes ``openapi.Error`` (file stem + name), with the refs
  inside it rewritten the same way, transitively. Only local files are followed; an ``http(s):`` ref is an
  error (exit 2).
- JSON-Schema-isms are normalised to OpenAPI 3.0: ``const: v`` → ``enum: [v]`` (intersected with an
  ``enum`` beside it), ``type: [t, 'null']`` → ``type: t`` + ``nullable: true``, numeric
  ``exclusiveMinimum``/``exclusiveMaximum`` → ``minimum``/``maximum`` + the boolean flag; ``examples``,
  ``example``, ``$comment``, ``$schema`` and ``$id`` are dropped (annotations), siblings of ``$ref`` are
  ignored (draft-07 semantics, as in OpenAPI 3.0).
- ``x-`` extensions inside payload schemas are kept, so the REST rule for ``x-cooud-echoes`` applies: the
  ``channels`` of the subscribe and unsubscribe replies, which only echo the request's ``args``, are compared
  in the request's direction (a new channel name widens both, additively).
- Servers become ``servers[].url`` = ``protocol://host{pathname}``, so a removed or changed server URL is
  the REST rule ``server-removed``. ``info.version`` is carried over.

Rules added on top of the REST ones (from the client's point of view)
----------------------------------------------------------------------
Breaking
    operation removed; its ``action`` or ``channel`` changed; a message removed from an operation or from
    its reply (a client waiting for it, or sending it, is stranded); a message the server *sends* added to
    an existing operation or reply (a client written against base does not know it — the REST "new 2xx
    status" rule); channel removed or its ``address`` changed; a message removed from a channel; a server
    removed from a channel's ``servers``; an ``x-cooud-close-codes`` entry removed or its ``reason`` changed
    (compared case- and whitespace-insensitively: the meaning changed); a message's ``correlationId``
    location changed or removed; ``bindings``, message ``headers`` or ``security`` changed (not analysed,
    so treated as breaking).
Non-breaking (listed too)
    new operation, channel, server or close code; a message the server *receives* added to an existing
    operation (the server accepts more); a new operation's messages; ``correlationId`` added; titles,
    summaries, descriptions, tags, examples and ``x-`` extensions other than the close codes.

Known limits
------------
- Operation ids and message keys are matched by name: renaming one is reported as removed + added
  (breaking) although nothing changes on the wire.
- A message shared by several operations (``error``) has its payload changes reported once per use.
- Payloads with a ``schemaFormat`` other than AsyncAPI/JSON Schema/OpenAPI 3.0 are rejected (exit 2).
- Only what the REST check understands of a schema is analysed (see ``tools/breaking.py``); any other
  keyword that changes is breaking. Behaviour written only in descriptions (intervals, limits, the order of
  frames) is not compared; nor are examples.
- Channel parameters and operation/reply ``address`` objects are not compared.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from tools import breaking
from tools.breaking import DOCUMENT, Change, SpecError
from tools.validate_specs import resolve_pointer

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE = REPO_ROOT / "spec" / "released" / "asyncapi.yaml"
DEFAULT_HEAD = REPO_ROOT / "spec" / "asyncapi.yaml"

RECEIVE = "receive"
SEND = "send"
_REMOVED_KEYS = {"examples", "example", "$comment", "$schema", "$id"}
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems")
_SCHEMA_ONE = (
    "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
    "additionalItems", "unevaluatedProperties", "unevaluatedItems",
)
_JSON_SCHEMA_FORMATS = (
    "application/vnd.aai.asyncapi", "application/schema+json", "application/schema+yaml",
    "application/vnd.oai.openapi",
)
_Loc = Path | None  # None is the root document (given as a mapping, not read from disk)


# --------------------------------------------------------------------------------------------------
# Reading the document and the files it refers to
# --------------------------------------------------------------------------------------------------


class _Files:
    """The root AsyncAPI document plus every local file its ``$ref``s reach (read once each)."""

    def __init__(self, doc: Any, folder: Path | str, label: str) -> None:
        if not isinstance(doc, dict):
            raise SpecError(f"{label}: the document is not a mapping")
        self.root = doc
        self.folder = Path(folder).resolve()
        self.label = label
        self.cache: dict[Path, Any] = {}

    def doc(self, loc: _Loc) -> Any:
        if loc is None:
            return self.root
        if loc not in self.cache:
            self.cache[loc] = breaking.load(loc)
        return self.cache[loc]

    def split(self, ref: Any, loc: _Loc) -> tuple[_Loc, str]:
        if not isinstance(ref, str):
            raise SpecError(f"{self.label}: $ref {ref!r} is not a string")
        if ref.startswith("#"):
            return loc, unquote(ref[1:])
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc:
            raise SpecError(f"{self.label}: only local file $refs are followed, got {ref!r}")
        file_part, _, fragment = ref.partition("#")
        here = self.folder if loc is None else loc.parent
        return (here / unquote(file_part)).resolve(), unquote(fragment)

    def pointer(self, loc: _Loc, pointer: str) -> Any:
        node = self.doc(loc)
        if pointer in ("", "/"):
            return node
        try:
            return resolve_pointer(node, "/" + pointer.lstrip("/"))
        except KeyError:
            where = "the document" if loc is None else loc.name
            raise SpecError(f"{self.label}: unresolvable $ref {pointer!r} in {where}") from None

    def resolve(self, node: Any, loc: _Loc = None) -> tuple[Any, _Loc]:
        """Follow ``$ref``s (any file) until a non-reference; return it with the file it lives in."""
        seen: set[tuple[_Loc, str]] = set()
        while isinstance(node, dict) and "$ref" in node:
            loc, pointer = self.split(node["$ref"], loc)
            if (loc, pointer) in seen:
                raise SpecError(f"{self.label}: $ref cycle through {node['$ref']!r}")
            seen.add((loc, pointer))
            node = self.pointer(loc, pointer)
        return node, loc

    def ref_key(self, node: Any, loc: _Loc = None) -> str | None:
        """The last path segment a local ``$ref`` names (``#/channels/stream/messages/error`` → ``error``)."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return unquote(node["$ref"]).rstrip("/").rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        return None


def _sanitize(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).strip("_") or "_"


class _SchemaCopier:
    """Copies schemas into the synthetic document's ``components/schemas``, rewriting every ``$ref``."""

    def __init__(self, files: _Files) -> None:
        self.files = files
        self.names: dict[tuple[_Loc, str], str] = {}
        self.taken: set[str] = set()
        self.out: dict[str, Any] = {}
        self.todo: list[tuple[_Loc, str, str]] = []

    def _name(self, loc: _Loc, pointer: str) -> str:
        key = (loc, pointer)
        if key in self.names:
            return self.names[key]
        match = re.fullmatch(r"/components/schemas/([^/]+)", pointer)
        last = match.group(1) if match else ".".join(p for p in pointer.split("/") if p)
        if loc is None:
            name = _sanitize(last if match else f"root.{last}")
        else:
            rel = Path(os.path.relpath(loc, self.files.folder))
            stem = ".".join(_sanitize(p) for p in rel.with_suffix("").parts if p != "..") or "file"
            name = f"{stem}.{_sanitize(last)}"
        unique, n = name, 2
        while unique in self.taken:
            unique, n = f"{name}~{n}", n + 1
        self.taken.add(unique)
        self.names[key] = unique
        self.todo.append((loc, pointer, unique))
        return unique

    def ref(self, ref: Any, loc: _Loc) -> dict:
        target_loc, pointer = self.files.split(ref, loc)
        return {"$ref": "#/components/schemas/" + quote(self._name(target_loc, pointer), safe="._-~")}

    def schema(self, node: Any, loc: _Loc) -> Any:
        """A normalised copy of one schema (refs rewritten into the synthetic components)."""
        if not isinstance(node, dict):
            return copy.deepcopy(node)
        if "$ref" in node:
            return self.ref(node["$ref"], loc)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _REMOVED_KEYS:
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: self.schema(sub, loc) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.schema(sub, loc) for sub in value]
            elif key == "items":
                out[key] = [self.schema(s, loc) for s in value] if isinstance(value, list) else self.schema(value, loc)
            elif key in _SCHEMA_ONE and isinstance(value, dict):
                out[key] = self.schema(value, loc)
            elif key == "const":
                continue  # folded into enum below
            else:
                out[key] = copy.deepcopy(value)
        return _normalise(node, out)

    def drain(self) -> dict[str, Any]:
        while self.todo:
            loc, pointer, name = self.todo.pop(0)
            self.out[name] = self.schema(self.files.pointer(loc, pointer), loc)
        return {name: self.out[name] for name in sorted(self.out)}


def _normalise(source: dict, out: dict) -> dict:
    """JSON Schema → OpenAPI 3.0 spellings the REST differ knows (``out`` is the copy of ``source``)."""
    if "const" in source:
        value = source["const"]
        if "enum" in out and isinstance(out["enum"], list):
            out["enum"] = [v for v in out["enum"] if v == value]
        else:
            out["enum"] = [value]
    kind = out.get("type")
    if isinstance(kind, list):
        rest = [t for t in kind if t != "null"]
        if "null" in kind:
            out["nullable"] = True
        if len(rest) == 1:
            out["type"] = rest[0]
        elif not rest:
            out.pop("type")
        else:
            out["type"] = rest  # several non-null types: the REST differ compares them as a tuple
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(flag)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if bound not in out or (out[bound] <= value if bound == "minimum" else out[bound] >= value):
                out[bound] = value
                out[flag] = True
            else:
                out.pop(flag)  # the inclusive bound is already tighter
    return out


# --------------------------------------------------------------------------------------------------
# AsyncAPI → synthetic OpenAPI 3.0
# --------------------------------------------------------------------------------------------------


def _server_url(server: dict) -> str:
    protocol = server.get("protocol") or "ws"
    return f"{protocol}://{server.get('host', '')}{server.get('pathname') or ''}"


def _channel_key(files: _Files, op: dict) -> str | None:
    return files.ref_key(op.get("channel"))


def _message_keys(files: _Files, refs: Any, channel: dict) -> list[str]:
    """Message keys of an operation (or reply): the channel's keys its refs name, else all of them."""
    if refs is None:
        return list((channel.get("messages") or {}).keys())
    keys: list[str] = []
    for i, ref in enumerate(refs or []):
        key = files.ref_key(ref)
        if key is None:
            resolved = ref if isinstance(ref, dict) else {}
            key = str(resolved.get("name") or f"#{i}")
        keys.append(key)
    return keys


def _uses(files: _Files, op_id: str, op: dict) -> list[tuple[str, str, str, str | None]]:
    """(role, message key, direction, channel key) for each message the operation uses.

    role is ``receive``/``send`` for the operation's own messages and ``reply`` for its reply's."""
    channels = files.root.get("channels") or {}
    action = op.get("action")
    chan_key = _channel_key(files, op)
    channel, _ = files.resolve(channels.get(chan_key) if chan_key else op.get("channel"))
    channel = channel if isinstance(channel, dict) else {}
    own = breaking.REQUEST if action == RECEIVE else breaking.RESPONSE
    other = breaking.RESPONSE if own == breaking.REQUEST else breaking.REQUEST
    out = [(action or "?", key, own, chan_key) for key in _message_keys(files, op.get("messages"), channel)]
    if "reply" in op:
        reply, _ = files.resolve(op["reply"])
        reply = reply if isinstance(reply, dict) else {}
        rchan_key = _channel_key(files, reply) or chan_key
        rchannel, _ = files.resolve(channels.get(rchan_key) if rchan_key else {})
        rchannel = rchannel if isinstance(rchannel, dict) else {}
        out += [("reply", key, other, rchan_key) for key in _message_keys(files, reply.get("messages"), rchannel)]
    return out


def _use_path(op_id: str, role: str, key: str) -> str:
    return f"/{quote(op_id, safe='')}/{role}/{quote(key, safe='')}"


def to_openapi(doc: dict, folder: Path | str, label: str = "document") -> dict:
    """The synthetic OpenAPI 3.0 document of an AsyncAPI 3.0 document (see the module docstring).

    ``folder`` is the directory cross-file ``$ref``s of the root document are resolved against."""
    files = _Files(doc, folder, label)
    copier = _SchemaCopier(files)
    channels = doc.get("channels") or {}
    default_type = doc.get("defaultContentType") or "application/json"
    paths: dict[str, Any] = {}
    for op_id, raw_op in (doc.get("operations") or {}).items():
        op, _ = files.resolve(raw_op)
        if not isinstance(op, dict):
            continue
        for role, key, direction, chan_key in _uses(files, op_id, op):
            raw_msg = ((channels.get(chan_key) or {}).get("messages") or {}).get(key) if chan_key else None
            message, mloc = files.resolve(raw_msg) if raw_msg is not None else ({}, None)
            message = message if isinstance(message, dict) else {}
            payload = message.get("payload", {})
            if isinstance(payload, dict) and "schemaFormat" in payload and "$ref" not in payload:
                fmt = str(payload.get("schemaFormat"))
                if not fmt.startswith(_JSON_SCHEMA_FORMATS):
                    raise SpecError(f"{label}: message {key!r} payload schemaFormat {fmt!r} cannot be compared")
                payload = payload.get("schema", {})
            media = {str(message.get("contentType") or default_type): {"schema": copier.schema(payload, mloc)}}
            op_name = f"{op_id}.{role}.{key}"
            if direction == breaking.REQUEST:
                paths[_use_path(op_id, role, key)] = {
                    "post": {
                        "operationId": op_name,
                        "requestBody": {"required": True, "content": media},
                        "responses": {"200": {"description": "received"}},
                    }
                }
            else:
                paths[_use_path(op_id, role, key)] = {
                    "get": {"operationId": op_name, "responses": {"200": {"description": "sent", "content": media}}}
                }
    servers = [
        {"url": _server_url(s)} for s in (files.resolve(raw)[0] for raw in (doc.get("servers") or {}).values())
        if isinstance(s, dict)
    ]
    info = doc.get("info") or {}
    return {
        "openapi": "3.0.3",
        "info": {"title": str(info.get("title", "")), "version": str(info.get("version", ""))},
        "servers": servers,
        "paths": paths,
        "components": {"schemas": copier.drain()},
    }


# --------------------------------------------------------------------------------------------------
# The diff
# --------------------------------------------------------------------------------------------------


def _norm_text(value: Any) -> str:
    return " ".join(str(value or "").split()).casefold()


def _canon(value: Any) -> Any:
    return breaking.json.dumps(value, sort_keys=True, default=str)


class _StreamDiffer(breaking.Recorder):
    def __init__(self, base: dict, head: dict, base_dir: Path | str, head_dir: Path | str) -> None:
        super().__init__()
        self.bf = _Files(base, base_dir, "base")
        self.hf = _Files(head, head_dir, "head")

    def run(self) -> list[Change]:
        self.document()
        self.servers()
        self.channels()
        self.operations()
        self.payloads()
        unique: list[Change] = []
        for change in self.changes:
            if change not in unique:
                unique.append(change)
        return unique

    # -- document, servers, channels ---------------------------------------------------------------

    def document(self) -> None:
        self.op = DOCUMENT
        bdoc, hdoc = self.bf.root, self.hf.root
        binfo, hinfo = bdoc.get("info") or {}, hdoc.get("info") or {}
        for field in ("title", "description"):
            if binfo.get(field) != hinfo.get(field):
                self.ok("description-changed", f"info.{field} changed")
        if _canon(binfo.get("tags")) != _canon(hinfo.get("tags")):
            self.ok("tags-changed", "info.tags changed")

    def servers(self) -> None:
        self.op = DOCUMENT
        bservers = self.bf.root.get("servers") or {}
        hservers = self.hf.root.get("servers") or {}
        for name, raw in bservers.items():
            if name not in hservers:
                continue  # a removed URL is the REST rule server-removed (synthetic servers[].url)
            bsrv, hsrv = self.bf.resolve(raw)[0] or {}, self.hf.resolve(hservers[name])[0] or {}
            for field in ("security", "bindings", "variables"):
                if _canon(bsrv.get(field)) != _canon(hsrv.get(field)):
                    self.brk(f"server-{field}-changed", f"server '{name}' {field} changed (not analysed)")
            for field in ("title", "summary", "description"):
                if bsrv.get(field) != hsrv.get(field):
                    self.ok("description-changed", f"server '{name}' {field} changed")

    def channels(self) -> None:
        bchannels = self.bf.root.get("channels") or {}
        hchannels = self.hf.root.get("channels") or {}
        for name, raw in bchannels.items():
            self.op = f"channel {name}"
            if name not in hchannels:
                self.brk("channel-removed", "channel removed")
                continue
            bch, hch = self.bf.resolve(raw)[0] or {}, self.hf.resolve(hchannels[name])[0] or {}
            if bch.get("address") != hch.get("address"):
                self.brk("channel-address-changed", f"address {bch.get('address')!r} → {hch.get('address')!r}")
            bsrv = [self.bf.ref_key(s) for s in bch.get("servers") or []]
            hsrv = [self.hf.ref_key(s) for s in hch.get("servers") or []]
            if hsrv:  # an empty list means every server
                for server in bsrv or list(self.bf.root.get("servers") or {}):
                    if server not in hsrv:
                        self.brk("channel-server-removed", f"no longer available on server '{server}'")
            bmsgs, hmsgs = bch.get("messages") or {}, hch.get("messages") or {}
            for key, bmsg in bmsgs.items():
                if key not in hmsgs:
                    self.brk("message-removed", f"message '{key}' removed")
                    continue
                self.message(name, key, bmsg, hmsgs[key])
            for key in hmsgs:
                if key not in bmsgs:
                    self.ok("message-added", f"message '{key}' added")
            if _canon(bch.get("bindings")) != _canon(hch.get("bindings")):
                self.brk("bindings-changed", "bindings changed (not analysed)")
            if _canon(bch.get("parameters")) != _canon(hch.get("parameters")):
                self.brk("channel-parameters-changed", "parameters changed (not analysed)")
            for field in ("title", "summary", "description"):
                if bch.get(field) != hch.get(field):
                    self.ok("description-changed", f"{field} changed")
            self.close_codes(bch, hch)
        for name in hchannels:
            if name not in bchannels:
                self.op = f"channel {name}"
                self.ok("channel-added", "channel added")

    def close_codes(self, bch: dict, hch: dict) -> None:
        def table(ch: dict) -> dict[Any, Any]:
            return {
                entry.get("code"): entry.get("reason")
                for entry in ch.get("x-cooud-close-codes") or []
                if isinstance(entry, dict)
            }

        bcodes, hcodes = table(bch), table(hch)
        for code, reason in bcodes.items():
            if code not in hcodes:
                self.brk("close-code-removed", f"close code {code} ({reason}) removed from x-cooud-close-codes")
            elif _norm_text(reason) != _norm_text(hcodes[code]):
                self.brk("close-code-changed", f"close code {code} now means {hcodes[code]!r} (was {reason!r})")
        for code, reason in hcodes.items():
            if code not in bcodes:
                self.ok("close-code-added", f"close code {code} ({reason}) added to x-cooud-close-codes")

    def message(self, channel: str, key: str, braw: Any, hraw: Any) -> None:
        bmsg, hmsg = self.bf.resolve(braw)[0] or {}, self.hf.resolve(hraw)[0] or {}
        label = f"message '{key}'"
        bcor = self.bf.resolve(bmsg["correlationId"])[0] if "correlationId" in bmsg else None
        hcor = self.hf.resolve(hmsg["correlationId"])[0] if "correlationId" in hmsg else None
        bloc, hloc = (bcor or {}).get("location"), (hcor or {}).get("location")
        if bloc != hloc:
            if bloc is None:
                self.ok("correlation-id-added", f"{label} correlationId {hloc} added")
            else:
                self.brk("correlation-id-changed", f"{label} correlationId {bloc} → {hloc or 'none'}")
        for field in ("headers", "bindings"):
            if _canon(bmsg.get(field)) != _canon(hmsg.get(field)):
                self.brk(f"message-{field}-changed", f"{label} {field} changed (not analysed)")
        for field in ("name", "title", "summary", "description"):
            if bmsg.get(field) != hmsg.get(field):
                self.ok("description-changed", f"{label} {field} changed")
        if _canon(bmsg.get("examples")) != _canon(hmsg.get("examples")):
            self.ok("examples-changed", f"{label} examples changed")

    # -- operations --------------------------------------------------------------------------------

    def operations(self) -> None:
        bops = self.bf.root.get("operations") or {}
        hops = self.hf.root.get("operations") or {}
        for op_id, raw in bops.items():
            self.op = f"operation {op_id}"
            if op_id not in hops:
                self.brk("operation-removed", "operation removed")
                continue
            bop, hop = self.bf.resolve(raw)[0] or {}, self.hf.resolve(hops[op_id])[0] or {}
            if bop.get("action") != hop.get("action"):
                self.brk("operation-action-changed", f"action {bop.get('action')} → {hop.get('action')}")
                continue
            if _channel_key(self.bf, bop) != _channel_key(self.hf, hop):
                self.brk(
                    "operation-channel-changed",
                    f"channel {_channel_key(self.bf, bop)} → {_channel_key(self.hf, hop)}",
                )
            buses = {(r, k): d for r, k, d, _ in _uses(self.bf, op_id, bop)}
            huses = {(r, k): d for r, k, d, _ in _uses(self.hf, op_id, hop)}
            for (role, key), direction in buses.items():
                if (role, key) in huses:
                    continue
                where = "reply message" if role == "reply" else "message"
                if direction == breaking.REQUEST:
                    self.brk("message-removed", f"{where} '{key}' no longer received (clients sending it get an error)")
                else:
                    self.brk("message-removed", f"{where} '{key}' no longer sent (clients waiting for it are stranded)")
            for (role, key), direction in huses.items():
                if (role, key) in buses:
                    continue
                where = "reply message" if role == "reply" else "message"
                if direction == breaking.REQUEST:
                    self.ok("message-added", f"{where} '{key}' now received")
                else:
                    self.brk(
                        "message-added",
                        f"{where} '{key}' now sent; clients written against base do not know it",
                    )
            for field in ("security", "bindings"):
                if _canon(bop.get(field)) != _canon(hop.get(field)):
                    self.brk(f"operation-{field}-changed", f"{field} changed (not analysed)")
            for field in ("title", "summary", "description"):
                if bop.get(field) != hop.get(field):
                    self.ok("description-changed", f"{field} changed")
            if _canon(bop.get("tags")) != _canon(hop.get("tags")):
                self.ok("tags-changed", "tags changed")
        for op_id in hops:
            if op_id not in bops:
                self.op = f"operation {op_id}"
                self.ok("operation-added", "operation added")

    # -- payloads, through the REST differ ---------------------------------------------------------

    def payloads(self) -> None:
        bsyn = to_openapi(self.bf.root, self.bf.folder, "base")
        hsyn = to_openapi(self.hf.root, self.hf.folder, "head")
        labels: dict[str, str] = {}
        for doc in (bsyn, hsyn):
            for path, item in doc["paths"].items():
                for method, op in item.items():
                    op_id, role, key = op["operationId"].split(".", 2)
                    what = {"receive": "receives", "send": "sends", "reply": "replies with"}.get(role, role)
                    labels[f"{method.upper()} {path}"] = f"operation {op_id}: {what} '{key}'"
        for change in breaking.diff(bsyn, hsyn):
            if change.rule in ("operation-added", "operation-removed", "operation-id-changed"):
                continue  # message uses: reported by operations() with the stream's own rules
            if change.rule == "version-changed":
                self.changes.insert(0, change)
                continue
            operation = labels.get(change.operation, change.operation)
            message = change.message
            for prefix in ("request body", "response 200 body", "response 200"):
                if message.startswith(prefix):
                    message = "payload" + message[len(prefix):]
                    break
            message = message.replace("request body media type", "content type").replace(
                "payload media type", "content type"
            )
            self.changes.append(Change(change.kind, operation, message, change.rule))


def diff(base: dict, head: dict, base_dir: Path | str, head_dir: Path | str) -> list[Change]:
    """Every change from ``base`` to ``head`` (AsyncAPI 3.0 documents) the tool understands.

    ``base_dir``/``head_dir`` are the folders each document's cross-file ``$ref``s are resolved against
    (the folder the document was read from)."""
    return _StreamDiffer(base, head, base_dir, head_dir).run()


def load(path: Path | str) -> dict:
    doc = breaking.load(path)
    if "asyncapi" not in doc:
        raise SpecError(f"{path} is not an AsyncAPI document (no 'asyncapi' field)")
    return doc
