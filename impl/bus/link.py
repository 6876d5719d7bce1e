"""The worker's end of the command path (impl/bus/__init__.py draws it): publish a command to the group's JetStream
stream, await its result on this worker's reply subject; queries by core NATS request/reply.

One NATS connection per worker process, opened on the serving event loop (`connect`), reconnecting forever. Every
command is published with `Nats-Msg-Id` "{account}:{idempotency key}:{correlation}", `Cooud-Reply-To` (this
worker's reply subject) and `Cooud-Correlation` (a fresh id per request); one core subscription on the reply
subject resolves the awaiting future by correlation id. A publish whose acknowledgement is lost (a NATS hiccup) is
sent again with the same id, and JetStream's duplicate window stores it once. The id is per request, not just
account + key, on purpose: a key released after a definitive failure (the engine answered that nothing was
applied, e.g. a failed commit) must be retried within the duplicate window too, and a plain "{account}:{key}" id
would silently drop that retry for two minutes. Applying one key twice is prevented by the engine instead (it
answers a key with a stored result from that result; impl/bus/engine_process.py). Each wait is bounded
(`COMMAND_TIMEOUT_S`): then `EngineUnavailable`, a `503 service_unavailable` that says the command may still be
applied (the worker keeps its Idempotency-Key in flight, so a retry cannot apply it twice).

Reply and query payloads: a result as `encode_result` writes it (a refusal is its `{"error": …}`), a query's
`{"value": …}`, or `{"failure": message}` for an unexpected failure in the engine (nothing applied: the sequencer
answers a failed commit or a poisoned command that way).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import nats
import orjson
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from impl.bus import COMMAND_TIMEOUT_S, DUPLICATE_WINDOW_S, Names, command_in_doubt
from impl.domain.commands import Command, decode_result, encode_command
from impl.domain.errors import DomainError
from impl.errors import ApiError

log = logging.getLogger("cooud.bus")
PUBLISH_ACK_S = 2.0
REPLY_TO, CORRELATION, MSG_ID = "Cooud-Reply-To", "Cooud-Correlation", "Nats-Msg-Id"


class EngineUnavailable(ApiError):
    def __init__(self, what: str) -> None:
        super().__init__("service_unavailable", f"The trading engine did not answer ({what}); the request may "
                                                "still be applied: retry it with the same Idempotency-Key.")


async def connect(url: str, name: str):
    """A NATS connection that reconnects forever (a NATS restart is a pause, not the end)."""
    async def error(exc: Exception) -> None:
        log.warning("bus: %s", exc)

    return await nats.connect(url, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                              connect_timeout=2, error_cb=error, allow_reconnect=True)


async def ensure_stream(js, names: Names) -> None:
    """The group's command stream (work queue: a message is gone once acked; duplicates dropped by Nats-Msg-Id)."""
    config = StreamConfig(name=names.stream, subjects=[names.commands], retention=RetentionPolicy.WORK_QUEUE,
                          storage=StorageType.FILE, duplicate_window=DUPLICATE_WINDOW_S, discard=DiscardPolicy.OLD)
    try:
        await js.add_stream(config)
    except BadRequestError:  # it exists (created by the engine or another worker, perhaps with older settings)
        await js.stream_info(names.stream)


def failure(exc: BaseException) -> bytes:
    return orjson.dumps({"failure": f"{type(exc).__name__}: {exc}"})


def query_value(value) -> bytes:
    """A query's answer (JSON-able) as the engine sends it."""
    return orjson.dumps({"value": value})


def outcome_of(payload: bytes):
    """The result (or query value) a reply carries; a refusal or failure raised."""
    data = orjson.loads(payload)
    if "failure" in data:
        raise RuntimeError(f"engine failure: {data['failure']}")
    if "value" in data:
        return data["value"]
    outcome = decode_result(payload)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


class CommandLink:
    def __init__(self, url: str, names: Names, timeout: float = COMMAND_TIMEOUT_S) -> None:
        self.url, self.names, self.timeout = url, names, timeout
        self.worker_id = uuid.uuid4().hex
        self._waiting: dict[str, asyncio.Future] = {}
        self._nc = self._js = None

    @property
    def nc(self):
        """The worker's NATS connection (the event path subscribes on it too)."""
        return self._nc

    async def connect(self) -> None:
        self._nc = await connect(self.url, f"cooud-worker-{self.worker_id}")
        self._js = self._nc.jetstream()
        await ensure_stream(self._js, self.names)
        await self._nc.subscribe(self.names.replies(self.worker_id), cb=self._on_reply)

    async def close(self) -> None:
        if self._nc is not None:
            with contextlib.suppress(Exception):
                await self._nc.flush(timeout=2)
            await self._nc.close()
            self._nc = self._js = None
        for future in self._waiting.values():
            future.cancel()

    async def _on_reply(self, msg) -> None:
        future = self._waiting.pop((msg.headers or {}).get(CORRELATION, ""), None)
        if future is not None and not future.done():
            future.set_result(msg.data)

    async def send(self, command: Command) -> bytes:
        """Publish `command` and await the engine's reply payload (EngineUnavailable after the bounded wait)."""
        if self._js is None:
            raise EngineUnavailable("the bus is not connected")
        correlation = uuid.uuid4().hex
        key = getattr(command, "idempotency_key", None)
        headers = {MSG_ID: f"{command.account}:{key}:{correlation}" if key else correlation,
                   REPLY_TO: self.names.replies(self.worker_id), CORRELATION: correlation}
        future = self._waiting[correlation] = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(self.timeout):
                command_in_doubt(True)  # from here on the engine may apply it, answered or not
                await self._publish(encode_command(command), headers)
                payload = await future
                command_in_doubt(False)  # answered: committed, refused or failed (nothing applied)
                return payload
        except TimeoutError:
            raise EngineUnavailable(f"no answer within {self.timeout:.0f} s") from None
        except nats.errors.Error as exc:
            raise EngineUnavailable(f"bus: {type(exc).__name__}") from None
        finally:
            self._waiting.pop(correlation, None)

    async def _publish(self, data: bytes, headers: dict) -> None:
        """Publish until JetStream acknowledges it (the caller bounds the time); resent with the same Nats-Msg-Id."""
        while True:
            try:
                await self._js.publish(self.names.commands, data, headers=headers, timeout=PUBLISH_ACK_S)
                return
            except (nats.errors.TimeoutError, nats.errors.ConnectionReconnectingError, nats.errors.NoRespondersError):
                await asyncio.sleep(0.2)

    async def query(self, request: dict) -> bytes:
        if self._nc is None:
            raise EngineUnavailable("the bus is not connected")
        try:
            msg = await self._nc.request(self.names.queries, orjson.dumps(request), timeout=self.timeout)
        except nats.errors.Error as exc:  # NoRespondersError (no active engine), TimeoutError
            raise EngineUnavailable(f"query: {type(exc).__name__}") from None
        return msg.data
