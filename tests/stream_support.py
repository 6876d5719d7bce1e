"""Shared harness for the WebSocket stream tests: a frame checker built from spec/asyncapi.yaml, a checked client,
and `serving(app)` (uvicorn on 127.0.0.1 in a daemon thread).

The checker is built FROM THE DOCUMENT, not restated: it loads spec/asyncapi.yaml (whose payloads `$ref`
spec/openapi.yaml) into a `referencing` Registry — the one tools/check_examples.py builds, so OpenAPI 3.0
`nullable` schemas read as JSON Schema the same way there and here — and collects
- the messages of every `send` operation and every `reply` of a `receive` operation: the frames the server may
  send. Each must have a payload whose `op` property is a `const`, and no two may share one;
- per `receive` operation, its request messages (by their `op` const) and its reply messages, and for an
  order-entry operation (`x-cooud-rest-operation`) the REST operation whose request its frames carry;
- each message's `correlationId` location (`$message.payload#/id`), which is where the reply's id is read;
- the error message: the one reply message every `receive` operation shares;
- the REST error catalogue (`x-cooud-error-catalogue` of openapi.yaml).

Every frame a `StreamClient` receives goes through `CHECKER.check`: a binary or non-JSON frame, an `op` no sent
message has (an undocumented frame), a frame invalid against its message's payload schema, or an error whose
code is not in the catalogue is recorded as a failure. Correlation is checked per connection: each frame the
client sends is a pending request (whether or not it is a valid one), answered by exactly one reply frame (a
frame whose op is one of the receive operations' reply messages), in the order of the requests, with the
request's id at the reply's correlationId location (null when the request had no valid id or could not be
parsed) and with one of the operation's reply messages. A data frame on a channel the connection is not
subscribed to (per the replies it got) is a failure too. Failures are collected, not raised where they are
found (the reader may be a thread); `audit()` fails the test that produced them, listing them all.

Generation: `CHECKER.valid_requests(op)` is a hypothesis strategy of payloads valid against the request
schema (built from the schema's keywords: $ref, const, enum, oneOf, allOf (its first member), type,
properties/required, additionalProperties, pattern, min/maxLength, min/maxItems, uniqueItems; lists are capped
at 6 items for speed, strings without a pattern at 64 characters) and filtered through the schema's own validator, so a
keyword this builder does not understand can only make it generate less, never generate invalid payloads.

Known limits: the 16 KiB frame limit and which code each kind of unreadable frame gets are read from the
document's prose into constants below (the document has no machine-readable form of them).
"""

from __future__ import annotations

import collections
import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import websockets.exceptions
from hypothesis import strategies as st
from websockets.sync.client import connect

from tests.live import free_port, serving  # noqa: F401  (serving: re-exported for the stream tests)
from tools.check_examples import _format_checker, _registry, normalise_openapi
from tools.validate_specs import load_document

ROOT = Path(__file__).resolve().parent.parent
ASYNCAPI = ROOT / "spec" / "asyncapi.yaml"
OPENAPI = ROOT / "spec" / "openapi.yaml"

# From the AsyncAPI description, "Frames": binary -> unsupported_media_type, not JSON -> malformed_body, JSON that
# is not one of the requests -> invalid_request, over 16 KiB -> payload_too_large.
MAX_FRAME_BYTES = 16 * 1024
CODE_BINARY, CODE_NOT_JSON, CODE_TOO_LARGE, CODE_INVALID = (
    "unsupported_media_type", "malformed_body", "payload_too_large", "invalid_request")


# --- the document ----------------------------------------------------------------------------------------------

@dataclass
class Message:
    name: str
    ref: str  # absolute URI of the message object
    op: str  # the payload's `op` const
    validator: jsonschema.Draft7Validator
    correlation: tuple | None  # JSON pointer segments into the payload, or None
    examples: list = field(default_factory=list)


@dataclass
class ReceiveOperation:
    name: str
    requests: dict[str, Message]  # op const -> request message
    replies: dict[str, Message]  # op const -> reply message
    error_codes: frozenset[str]  # catalogue codes its description names (backticked), and its REST operation's
    rest_operation: str | None = None  # order entry: the operationId of the REST request its frames carry


def _pointer(location: str) -> tuple:
    """`$message.payload#/id` -> ("id",)."""
    if not location.startswith("$message.payload#"):
        raise ValueError(f"unsupported correlationId location {location!r}")
    ptr = location.split("#", 1)[1]
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in ptr.split("/")[1:]) if ptr else ()


_MISSING = object()


def _at(payload: Any, pointer: tuple) -> Any:
    for token in pointer:
        if not isinstance(payload, dict) or token not in payload:
            return _MISSING
        payload = payload[token]
    return payload


class Contract:
    """What spec/asyncapi.yaml says the server sends and receives (see the module docstring)."""

    def __init__(self, asyncapi: Path = ASYNCAPI, openapi: Path = OPENAPI) -> None:
        self.doc = load_document(asyncapi)
        self.uri = asyncapi.resolve().as_uri()
        rest = normalise_openapi(load_document(openapi))
        # Both documents up front: a Registry is immutable, so one left to `retrieve` would be re-read per frame.
        self.registry = _registry({self.uri: self.doc, openapi.resolve().as_uri(): rest}).crawl()
        self.resolver = self.registry.resolver(base_uri=self.uri)
        self.format_checker = _format_checker()
        self.catalogue = frozenset(rest["x-cooud-error-catalogue"])
        rest_errors = {op["operationId"]: frozenset(op.get("x-cooud-errors", ()))
                       for item in rest["paths"].values() for op in item.values()
                       if isinstance(op, dict) and "operationId" in op}
        self._messages: dict[str, Message] = {}
        self.sent: dict[str, Message] = {}  # op const -> a message the server may send
        self.receive: dict[str, ReceiveOperation] = {}
        problems = []
        for name, operation in self.doc["operations"].items():
            if operation["action"] == "send":
                for ref in operation.get("messages", []):
                    self._add_sent(self._message(ref["$ref"]), name, problems)
            elif operation["action"] == "receive":
                requests = {m.op: m for m in (self._message(r["$ref"]) for r in operation.get("messages", []))}
                replies = {m.op: m for m in (self._message(r["$ref"])
                                             for r in (operation.get("reply") or {}).get("messages", []))}
                for m in replies.values():
                    self._add_sent(m, name, problems)
                codes = frozenset(re.findall(r"`([a-z][a-z0-9_]*)`", operation.get("description", ""))) & self.catalogue
                rest_op = operation.get("x-cooud-rest-operation")
                if rest_op is not None:  # its frames are that REST operation's requests: its codes are theirs
                    codes |= rest_errors[rest_op]
                self.receive[name] = ReceiveOperation(name, requests, replies, codes, rest_op)
        if problems:
            raise AssertionError("the document's sent messages are ambiguous: " + "; ".join(problems))
        shared = set.intersection(*(set(o.replies) for o in self.receive.values()))
        if len(shared) != 1:
            raise AssertionError(f"expected exactly one reply message shared by every receive operation, got {shared}")
        self.error_op = shared.pop()
        self.reply_ops = frozenset(op for o in self.receive.values() for op in o.replies)
        self.request_ops = {op: o for o in self.receive.values() for op in o.requests}
        # The request id's schema: the correlation property of a request payload (all requests share it).
        any_request = next(iter(self.request_ops.values())).requests
        first = next(iter(any_request.values()))
        payload = self._deref(self.resolver.lookup(first.ref + "/payload"))
        self.id_validator = jsonschema.Draft7Validator(
            {"$ref": f"{payload[1]}/properties/" + "/".join(first.correlation)}, registry=self.registry)

    # -- loading ------------------------------------------------------------------------------------------------
    def _deref(self, resolved) -> tuple[Any, str]:
        """(contents, absolute uri) following a chain of $refs from a `Resolved`."""
        contents, res = resolved.contents, resolved.resolver
        uri = None
        while isinstance(contents, dict) and "$ref" in contents:
            ref = contents["$ref"]
            uri = _absolute(res, ref)
            resolved = res.lookup(ref)
            contents, res = resolved.contents, resolved.resolver
        return contents, uri

    def _message(self, ref: str) -> Message:
        uri = _absolute(self.resolver, ref)
        contents = self.resolver.lookup(ref).contents
        while isinstance(contents, dict) and "$ref" in contents:
            uri = _absolute(self.resolver, contents["$ref"])
            contents = self.resolver.lookup(uri).contents
        if uri in self._messages:
            return self._messages[uri]
        payload = contents.get("payload")
        if isinstance(payload, dict) and "schemaFormat" in payload:
            raise AssertionError(f"{uri}: multi-format payloads are not supported by this harness")
        schema, _ = self._deref(self.resolver.lookup(uri + "/payload"))
        op = ((schema.get("properties") or {}).get("op") or {}).get("const")
        if not isinstance(op, str):
            raise AssertionError(f"{uri}: payload has no `op` const; frames could not be told apart")
        correlation = None
        if "correlationId" in contents:
            cid, _ = self._deref(self.resolver.lookup(uri + "/correlationId"))
            correlation = _pointer(cid["location"])
        validator = jsonschema.Draft7Validator({"$ref": uri + "/payload"}, registry=self.registry,
                                               format_checker=self.format_checker)
        message = Message(contents.get("name", uri), uri, op, validator, correlation,
                          [e["payload"] for e in contents.get("examples", []) if "payload" in e])
        self._messages[uri] = message
        return message

    def _add_sent(self, message: Message, operation: str, problems: list) -> None:
        other = self.sent.setdefault(message.op, message)
        if other is not message:
            problems.append(f"{operation}: op {message.op!r} is both {other.name} and {message.name}")

    # -- requests -----------------------------------------------------------------------------------------------
    def request_operation(self, frame: Any) -> ReceiveOperation | None:
        """The receive operation a frame is a valid request of, else None."""
        if not isinstance(frame, dict) or not isinstance(frame.get("op"), str):
            return None
        operation = self.request_ops.get(frame["op"])
        if operation is None or not operation.requests[frame["op"]].validator.is_valid(frame):
            return None
        return operation

    def expectation(self, data: str | bytes) -> tuple[Any, frozenset[str], ReceiveOperation | None]:
        """(the reply's id, the reply ops allowed, the operation) for a frame a client sends."""
        errors_only = frozenset({self.error_op})
        if isinstance(data, bytes) or len(data.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
            return None, errors_only, None
        try:
            frame = json.loads(data)
        except ValueError:
            return None, errors_only, None
        operation = self.request_operation(frame)
        if operation is not None:
            message = operation.requests[frame["op"]]
            value = _at(frame, message.correlation) if message.correlation is not None else _MISSING
            return (None if value is _MISSING else value), frozenset(operation.replies), operation
        # An invalid request: its id is echoed when it is a valid id (it still names the request), else null.
        rid = frame.get("id") if isinstance(frame, dict) else None
        return (rid if rid is not None and self.id_validator.is_valid(rid) else None), errors_only, None

    # -- generation ---------------------------------------------------------------------------------------------
    def valid_requests(self, op: str) -> st.SearchStrategy:
        message = self.request_ops[op].requests[op]
        strategy = self._strategy({"$ref": message.ref + "/payload"}, self.resolver)
        return strategy.filter(message.validator.is_valid)

    def _strategy(self, node: Any, resolver) -> st.SearchStrategy:
        if node is True or node == {}:
            return st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
        if "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            return self._strategy(resolved.contents, resolved.resolver)
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        if "oneOf" in node or "anyOf" in node:
            return st.one_of([self._strategy(s, resolver) for s in node.get("oneOf", node.get("anyOf"))])
        if "allOf" in node:  # its first member (a $ref beside a description); the validator filters the rest
            return self._strategy(node["allOf"][0], resolver)
        kind = node.get("type")
        if isinstance(kind, list):
            return st.one_of([self._strategy({**node, "type": k}, resolver) for k in kind])
        if kind == "object":
            props = node.get("properties") or {}
            required = set(node.get("required") or ())
            return st.fixed_dictionaries(
                {k: self._strategy(v, resolver) for k, v in props.items() if k in required},
                optional={k: self._strategy(v, resolver) for k, v in props.items() if k not in required})
        if kind == "array":
            low = node.get("minItems", 0)
            high = min(node.get("maxItems", low + 6), low + 6)
            return st.lists(self._strategy(node.get("items", {}), resolver), min_size=low, max_size=high,
                            unique=bool(node.get("uniqueItems")))
        if kind == "string":
            low, high = node.get("minLength", 0), node.get("maxLength", 64)
            if "pattern" in node:
                base = st.from_regex(node["pattern"], fullmatch=True)
            else:
                base = st.text(min_size=low, max_size=min(high, low + 64))
            return base.filter(lambda s: low <= len(s) <= high)
        if kind == "integer":
            return st.integers(node.get("minimum"), node.get("maximum"))
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        raise AssertionError(f"no generator for schema {node!r}")


def _absolute(resolver, ref: str) -> str:
    from urllib.parse import urljoin

    return urljoin(str(resolver._base_uri), ref)


# --- checking frames -------------------------------------------------------------------------------------------

class FrameChecker:
    """Validates every received frame; collects failures and counts (thread-safe)."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.failures: list[str] = []
        self.counts: collections.Counter = collections.Counter()
        self.test = "?"
        self._lock = threading.Lock()

    def fail(self, where: str, problem: str) -> None:
        with self._lock:
            self.failures.append(f"[{self.test}] {where}: {problem}")

    def check(self, raw: str | bytes, where: str = "") -> dict | None:
        """The frame as a dict when it is documented and valid; otherwise None (and a recorded failure)."""
        if isinstance(raw, bytes):
            self.fail(where, f"binary frame from the server: {raw[:120]!r}")
            return None
        try:
            frame = json.loads(raw)
        except ValueError:
            self.fail(where, f"frame is not JSON: {raw[:200]!r}")
            return None
        if not isinstance(frame, dict):
            self.fail(where, f"frame is not a JSON object: {raw[:200]}")
            return None
        message = self.contract.sent.get(frame.get("op"))
        if message is None:
            self.fail(where, f"undocumented frame (no sent message has op {frame.get('op')!r}): {raw[:300]}")
            return None
        errors = sorted(message.validator.iter_errors(frame), key=lambda e: list(map(str, e.absolute_path)))
        for error in errors:
            path = "/" + "/".join(map(str, error.absolute_path))
            self.fail(where, f"{message.name} invalid at {path}: {error.message[:300]} — frame {raw[:300]}")
        bad = bool(errors)
        if frame["op"] == self.contract.error_op:
            code = (frame.get("error") or {}).get("code")
            if code not in self.contract.catalogue:
                self.fail(where, f"error code {code!r} is not in x-cooud-error-catalogue: {raw[:300]}")
                bad = True
        with self._lock:
            self.counts["frames"] += 1
            self.counts[frame["op"]] += 1
            if bad:
                self.counts["invalid"] += 1
        return None if bad else frame

    @contextlib.contextmanager
    def audit(self, test: str):
        """Fail the enclosing test if any frame it received broke the contract; list them all."""
        with self._lock:
            start, self.test = len(self.failures), test
        yield
        with self._lock:
            new = self.failures[start:]
        assert not new, f"{len(new)} stream contract failure(s):\n" + "\n".join(new)

    def summary(self) -> str:
        ops = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items()) if k not in ("frames", "invalid"))
        return (f"stream frames validated: {self.counts['frames']} ({ops}); "
                f"invalid: {self.counts['invalid']}; failures: {len(self.failures)}")


CONTRACT = Contract()
CHECKER = FrameChecker(CONTRACT)


# --- the client ------------------------------------------------------------------------------------------------

@dataclass
class Pending:
    sent: str | bytes
    expected_id: Any
    allowed: frozenset[str]
    operation: ReceiveOperation | None


class StreamClient:
    """A real `websockets` connection whose every received frame goes through CHECKER (see module docstring).

    Not thread-safe: one thread uses it at a time. `events` holds the data frames received (not replies)."""

    def __init__(self, base: str, name: str = "ws", checker: FrameChecker = CHECKER) -> None:
        self.url = base.replace("http://", "ws://", 1) + "/v1/ws"
        self.name, self.checker, self.contract = name, checker, checker.contract
        self.ws = connect(self.url, open_timeout=10, close_timeout=5, max_size=2 ** 24, legacy=True)
        self.pending: collections.deque[Pending] = collections.deque()
        self.subscribed: set[str] = set()
        self.events: list[dict] = []
        self.replies: list[tuple[Pending, dict]] = []
        self.heartbeats = 0

    def __enter__(self) -> StreamClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.pending:
            self.checker.fail(self.name, f"{len(self.pending)} request(s) never answered, first: "
                                         f"{str(self.pending[0].sent)[:200]}")
            self.pending.clear()
        self.ws.close()

    # -- sending ------------------------------------------------------------------------------------------------
    def send(self, data: dict | str | bytes) -> Pending:
        """Send a frame (a dict is JSON-encoded) and queue the reply it must get."""
        if isinstance(data, dict):
            data = json.dumps(data)
        expected_id, allowed, operation = self.contract.expectation(data)
        pending = Pending(data, expected_id, allowed, operation)
        self.pending.append(pending)
        self.ws.send(data)
        return pending

    def request(self, data: dict | str | bytes, timeout: float = 5.0) -> dict:
        """Send a frame and return its reply (data frames meanwhile go to `events`)."""
        pending = self.send(data)
        return self.reply_to(pending, timeout)

    def reply_to(self, pending: Pending, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for p, reply in self.replies:
                if p is pending:
                    return reply
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: no reply within {timeout}s to {str(pending.sent)[:200]}")
            self.recv(left)

    # -- receiving ----------------------------------------------------------------------------------------------
    def recv(self, timeout: float) -> dict | None:
        """One frame, checked (None if it broke the contract); raises TimeoutError when none comes in time."""
        raw = self.ws.recv(timeout=timeout)
        frame = self.checker.check(raw, self.name)
        if frame is None:
            with contextlib.suppress(ValueError, TypeError):
                frame = json.loads(raw)  # still route it, so one bad frame does not cascade
            if not isinstance(frame, dict):
                return None
        op = frame.get("op")
        if op in self.contract.reply_ops:
            self._reply(frame)
        elif op == "heartbeat":
            self.heartbeats += 1
        else:
            channel = frame.get("channel")
            if channel not in self.subscribed:
                self.checker.fail(self.name, f"data frame on channel {channel!r}, not subscribed: {str(raw)[:200]}")
            self.events.append(frame)
        return frame

    def _reply(self, frame: dict) -> None:
        if not self.pending:
            self.checker.fail(self.name, f"reply to no request: {json.dumps(frame)[:300]}")
            return
        pending = self.pending.popleft()
        self.replies.append((pending, frame))
        what = f"reply {json.dumps(frame)[:300]} to {str(pending.sent)[:150]!r}"
        if frame["op"] not in pending.allowed:
            self.checker.fail(self.name, f"{what}: op not one of the operation's replies {sorted(pending.allowed)}")
        message = self.contract.sent.get(frame["op"])
        if message is not None and message.correlation is not None:
            got = _at(frame, message.correlation)
            if got is _MISSING or got != pending.expected_id:
                self.checker.fail(self.name, f"{what}: correlation id {got!r}, expected {pending.expected_id!r}")
        result = frame.get("result")
        if frame["op"] != self.contract.error_op and isinstance(result, dict):
            channels = result.get("channels") or []
            if frame["op"] == "subscribe":
                self.subscribed.update(channels)
            elif frame["op"] == "unsubscribe":
                self.subscribed.difference_update(channels)

    def drain(self, quiet: float = 0.3, limit: float = 5.0) -> None:
        """Receive until no non-heartbeat frame came for `quiet` seconds (at most `limit` seconds)."""
        deadline = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            try:
                frame = self.recv(min(quiet, max(0.01, deadline - time.monotonic())))
            except TimeoutError:
                continue
            if frame is None or frame.get("op") != "heartbeat":
                last = time.monotonic()

    def wait_for(self, predicate, timeout: float = 5.0) -> dict:
        """Receive until a data frame satisfying `predicate` arrives (also looks at `events` already received)."""
        seen = 0
        deadline = time.monotonic() + timeout
        while True:
            for frame in self.events[seen:]:
                if predicate(frame):
                    return frame
            seen = len(self.events)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.name}: no matching frame within {timeout}s")
            with contextlib.suppress(TimeoutError):
                self.recv(left)

    def assert_open(self) -> None:
        """The connection still answers: a ping gets a pong."""
        try:
            reply = self.request({"op": "ping", "id": "alive"})
        except websockets.exceptions.ConnectionClosed as exc:
            raise AssertionError(f"{self.name}: connection closed ({exc})") from None
        assert reply["op"] == "pong", reply
