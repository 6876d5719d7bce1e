"""Order entry over the stream: an order-entry frame IS a REST request carried in a frame (spec/asyncapi.yaml,
"Order entry").

`OrderEntry.answer` turns a valid `place_order` / `amend_order` / `cancel_order` frame into the HTTP request it
stands for, runs that request through the application's own HTTP stack in-process (the edge, impl/edge/
pipeline.py — the very object uvicorn calls for HTTP), and turns the answer's status, headers and body into the
reply frame.

Invariants:
- Nothing about the request is decided here. Authentication and the `trade` permission, the rate-limit charge
  (pool, weight, credential, client address), validation, the Idempotency-Key store and the error envelope are the
  edge's, exactly as over HTTP; this module only translates a frame into a request and an answer into a frame.
- The request is exactly what the client signed: the method and path of the REST operation the document names for
  the op (`x-cooud-rest-operation`, looked up in the generated operation table), `/v1` + that path with
  each parameter (`{order_id}`) filled in from the frame's field of that name, percent-encoded (an id's
  pattern leaves nothing to encode, so the target is `/v1/orders/ord_…` as written), no query string,
  and as body the UTF-8 bytes of the frame's `body` string, sent as `application/json` (a string with a lone
  surrogate has no UTF-8 form: its bytes are passed on as they are, and the edge refuses them as `malformed_body`).
- Headers are the frame's own (the frame schema closes the set to the credential and the Idempotency-Key),
  names lower-cased, plus what places the request where the connection is: the handshake's `client` and its
  `X-Forwarded-For` (believed from trusted proxies only, as for any request), so IP allowlists, a token's network
  and per-IP budgets see the connection's address. Nothing else of the handshake is passed on — its cookies above
  all (a browser sends them with any page's WebSocket).
- Once started, the request runs to completion even if the connection goes away meanwhile (it runs in a task of
  its own, shielded from the reader's cancellation), as an HTTP request whose client hung up does: a frame that
  reached the server has exactly the effect its REST request would have.
- Nothing blocks the event loop: the edge runs its store and engine work in worker threads (impl/blocking.py).
- The reply is derived from the answer alone: 2xx → `{op, id, status, result, headers}`, otherwise the stream's
  `error` frame with the REST error object plus `status` and `headers`; `headers` holds REPLY_HEADERS that the
  answer has, the numeric ones as integers.
Known limit: the gateway's reader awaits the answer, so a connection's later frames wait for it (replies keep the
order of requests).
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote, unquote

import orjson

from generated.operations import BASE_PATH, OPERATIONS

# The REST answer's headers a reply carries: wire name -> (name in the frame, type of its value).
REPLY_HEADERS = {
    b"x-request-id": ("X-Request-Id", str),
    b"x-ratelimit-limit": ("X-RateLimit-Limit", int),
    b"x-ratelimit-remaining": ("X-RateLimit-Remaining", int),
    b"x-ratelimit-reset": ("X-RateLimit-Reset", int),
    b"retry-after": ("Retry-After", int),
    b"idempotent-replayed": ("Idempotent-Replayed", str),
}
FORWARDED = b"x-forwarded-for"
_PATH_PARAMETER = re.compile(r"\{(\w+)\}")  # `{order_id}`: filled from the frame's field of that name


class OrderEntry:
    def __init__(self, http_app, rest_operations: dict[str, str]) -> None:
        """`http_app`: the ASGI app whose HTTP stack answers the requests; `rest_operations`: op -> operationId."""
        self.http_app = http_app
        unknown = sorted(set(rest_operations.values()) - set(OPERATIONS))
        if unknown:
            raise ValueError(f"spec/asyncapi.yaml names REST operations openapi.yaml does not have: {unknown}")
        self.routes = {op: (OPERATIONS[op_id].method, BASE_PATH + OPERATIONS[op_id].path)
                       for op, op_id in rest_operations.items()}
        self._running: set[asyncio.Task] = set()  # requests under way (kept from the GC; see the docstring)

    def request(self, frame: dict) -> tuple[str, str, bytes]:
        """(method, target, body) of the REST request a valid frame carries: what its client signed."""
        method, template = self.routes[frame["op"]]
        target = _PATH_PARAMETER.sub(lambda m: quote(frame[m.group(1)], safe=""), template)
        return method, target, frame.get("body", "").encode("utf-8", "surrogatepass")

    async def answer(self, handshake: dict, frame: dict, request_id: str | None) -> dict:
        """The reply frame to a valid order-entry frame, from the answer of its REST request."""
        method, target, body = self.request(frame)
        headers = [(name.lower().encode("ascii"), value.encode("ascii")) for name, value in frame["headers"].items()]
        if body:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        headers += [(k, v) for k, v in handshake.get("headers", ()) if k == FORWARDED]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "https" if handshake.get("scheme") == "wss" else "http", "path": unquote(target),
                 "raw_path": target.encode("ascii"), "query_string": b"", "root_path": "", "headers": headers,
                 "client": handshake.get("client"), "server": handshake.get("server")}
        task = asyncio.get_running_loop().create_task(self._run(scope, body))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        status, answer_headers, answer = await asyncio.shield(task)
        return reply(frame["op"], request_id, status, answer_headers, answer)

    async def _run(self, scope: dict, body: bytes) -> tuple[int, list, bytes]:
        """(status, headers, body) of the HTTP app's answer to `scope` with `body`."""
        answer: dict = {"status": 500, "headers": []}
        chunks: list[bytes] = []
        done = asyncio.Event()
        delivered = False

        async def receive() -> dict:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()  # the client is there until the answer is complete (as ASGI test transports do)
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["headers"] = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        await self.http_app(scope, receive, send)
        return answer["status"], answer["headers"], b"".join(chunks)


def reply(op: str, request_id: str | None, status: int, headers: list, body: bytes) -> dict:
    """The reply frame for a REST answer (see the module docstring)."""
    carried = {}
    for name, value in headers:
        known = REPLY_HEADERS.get(name.lower())
        if known is not None:
            carried[known[0]] = known[1](value.decode("latin-1"))
    payload = orjson.loads(body)
    if 200 <= status < 300:
        return {"op": op, "id": request_id, "status": status, "result": payload, "headers": carried}
    return {"op": "error", "id": request_id, "status": status, "error": payload["error"], "headers": carried}
