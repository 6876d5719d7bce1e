"""`cooud engine`: the engine of one market group as its own process, fed by the group's JetStream command stream
(impl/bus/__init__.py draws the picture).

Start-up: open the store, wait for its writer guard (`claim_writer(wait=True)`: a second `cooud engine` on the
same database is the standby and blocks here until the active one dies), load the engine (impl/services.py
`build_engine`), start the operator inbox (impl/operator.py: `cooud deposit` while the engine runs) and the event
publisher (impl/bus/events.py `OutboxPublisher`: committed events to the group's event stream), then consume:
- a durable pull consumer with explicit acks (`ACK_WAIT_S`, `MAX_ACK_PENDING`); each fetch takes up to
  `FETCH_BATCH` commands, which are submitted to the sequencer together, in stream order, so they group-commit as
  in one process; fetching goes on while they commit;
- for each command: decode, submit, await the result (after its commit), publish it (impl/bus/link.py payloads) to
  the command's `Cooud-Reply-To` with its `Cooud-Correlation`, then ack. A command whose (account, key) already has
  a stored result — redelivered after a fail-over, or published again after the duplicate window — is answered from
  that result and acked without being applied; two deliveries of one key in this process share one application;
- queries (preview, resting) on core NATS request/reply, answered by the sequencer between two batches.
Each fetch is a fresh pull request with a short expiry, so consuming resumes by itself after the NATS connection
comes back (nats-py's pull subscriptions otherwise lose the pull request a restarted server was holding; an empty
stream answers a fetch with a timeout, which is just "nothing yet").

Fencing: if a write raises `AnotherWriter` (the store's `Deposed`: another engine took the guard over, or the lock
session was lost), this process stops consuming, leaves its unanswered commands unacked for the new engine, drops
its whole state and starts again as a standby (`run`): whichever engine takes the guard next loads from the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections import OrderedDict

import nats
import orjson
from nats.js.api import AckPolicy, ConsumerConfig

from impl.blocking import run_blocking
from impl.bus import ACK_WAIT_S, FETCH_BATCH, MAX_ACK_PENDING, Names, names_of
from impl.bus.events import OutboxPublisher
from impl.bus.link import CORRELATION, REPLY_TO, connect, ensure_stream, failure, query_value
from impl.domain.commands import Inspect, Preview, decode_command, encode_result
from impl.domain.engine import AnotherWriter
from impl.domain.errors import DomainError
from impl.domain.orders import NewOrder
from impl.domain.trading import Trading, preview_facts_of

log = logging.getLogger("cooud.engine.process")
DEPOSED = 3
REMEMBERED = 100_000  # keys applied by this process whose futures are kept (see EngineProcess._applied)


def run(config) -> int:
    """The `cooud engine` command: standby until this process holds the writer guard, then serve the group; when
    deposed (its guard taken over, or its lock session lost), stand by again — the process supervises itself."""
    while True:
        code = _serve(config)
        if code != DEPOSED:
            return code
        print("cooud engine: deposed; standing by again", flush=True)


def _serve(config) -> int:
    from impl.operator import OperatorInbox
    from impl.services import build_engine, build_services

    services = build_services(config, trading=False)
    try:
        print(f"cooud engine: group {config.engine_group!r}, waiting for the writer guard of {config.database}",
              flush=True)
        trading = build_engine(services.store, services.market_data, services.now_ms, services.books,
                               wait_for_writer=True)
        services.trading = trading
        print("cooud engine: active", flush=True)
        inbox = OperatorInbox(trading, services.store)
        inbox.start()
        try:
            return asyncio.run(EngineProcess(trading, services.store, config.bus, names_of(config)).run())
        finally:
            inbox.stop()
    finally:
        services.close()


class EngineProcess:
    def __init__(self, trading: Trading, store, url: str, names: Names) -> None:
        self.trading, self.store, self.url, self.names = trading, store, url, names
        # (account, key) -> the future of its application, kept after it is answered (bounded, oldest dropped): a
        # delivery of the same key that looked in the store before that commit still finds it here.
        self._applied: OrderedDict[tuple[str, str], asyncio.Future] = OrderedDict()
        self._tasks: set[asyncio.Task] = set()
        self._stop = asyncio.Event()
        self._nc = None
        self.exit_code = 0

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop.set)
        nc = self._nc = await connect(self.url, f"cooud-engine-{self.names.group}")
        publisher = OutboxPublisher(nc, self.store, self.names.prefix, self.names.group)
        try:
            await publisher.start(self.trading.listeners)  # events (impl/bus/events.py), what the stream lacks first
            js = nc.jetstream()
            await ensure_stream(js, self.names)
            await nc.subscribe(self.names.queries, cb=self._query)
            sub = await self._subscribe(js)
            while not self._stop.is_set():
                try:
                    msgs = await sub.fetch(FETCH_BATCH, timeout=1.0)
                except TimeoutError:  # nats' own or asyncio's (nats-py raises both): nothing queued, pull again
                    continue
                except nats.errors.Error as exc:
                    log.warning("engine: fetch failed (%s); pulling again", exc)
                    await asyncio.sleep(0.5)
                    continue
                task = loop.create_task(self._handle_logged(msgs))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            for task in list(self._tasks):
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        finally:  # replies already sent are flushed; commands not acked go to the next engine (drain() can hang here)
            with contextlib.suppress(Exception):
                await publisher.close()
            with contextlib.suppress(Exception):
                await nc.flush(timeout=2)
            await nc.close()
        return self.exit_code

    async def _subscribe(self, js):
        config = ConsumerConfig(durable_name=self.names.durable, ack_policy=AckPolicy.EXPLICIT, ack_wait=ACK_WAIT_S,
                                max_ack_pending=MAX_ACK_PENDING, max_deliver=-1)
        return await js.pull_subscribe(self.names.commands, durable=self.names.durable, stream=self.names.stream,
                                       config=config)

    # -- commands ------------------------------------------------------------------------------------------------
    async def _handle_logged(self, msgs: list) -> None:
        try:
            await self._handle(msgs)
        except Exception:  # e.g. the store unreachable: the commands stay unacked and come back after ACK_WAIT_S
            log.exception("engine: %d commands not handled; they will be redelivered", len(msgs))

    async def _handle(self, msgs: list) -> None:
        commands = []
        for msg in msgs:
            try:
                commands.append((msg, decode_command(msg.data)))
            except Exception as exc:  # not a command of ours: answer it, and drop it (it can never succeed)
                log.error("engine: undecodable command dropped: %r", exc)
                await self._reply(msg, failure(exc))
                await msg.ack()
        redelivered = sum(1 for msg, _ in commands if msg.metadata.num_delivered > 1)
        if redelivered:  # fetched before by an engine that did not answer (it died, or stalled past the ack wait)
            log.warning("engine: %d commands redelivered", redelivered)
        stored = await run_blocking(self._stored_results, [c for _, c in commands])
        waits = [self._submit(command, stored.get(_key(command))) for _, command in commands]
        for (msg, command), wait in zip(commands, waits, strict=True):
            await self._answer(msg, command, wait)

    def _stored_results(self, commands: list) -> dict[tuple[str, str], bytes]:
        """The stored results of commands that already ran (one store read per fetch, in a worker thread)."""
        return self.store.idempotency_results([key for key in map(_key, commands) if key is not None])

    def _submit(self, command, stored: bytes | None):
        """What to await for the command's answer: the application of its key by this process, its stored result,
        or a new application (submitted now, in fetch order)."""
        key = _key(command)
        if key is not None and key in self._applied:
            return self._applied[key]
        if stored is not None:
            return stored
        future = self.trading.sequencer.submit_async(command)
        if key is not None:
            self._applied[key] = future
            future.add_done_callback(lambda f: self._forget_failed(key, f))
            if len(self._applied) > REMEMBERED:
                self._applied.popitem(last=False)
        return future

    def _forget_failed(self, key: tuple[str, str], future: asyncio.Future) -> None:
        """A failure applied nothing (the sequencer's contract): a new attempt of the key must run afresh."""
        exc = None if future.cancelled() else future.exception()
        if exc is not None and not isinstance(exc, DomainError) and self._applied.get(key) is future:
            del self._applied[key]

    async def _answer(self, msg, command, wait) -> None:
        if isinstance(wait, bytes):
            await self._reply(msg, wait)
            await msg.ack()
            return
        try:
            payload = encode_result(await wait)
        except DomainError as refusal:
            payload = encode_result(refusal)
        except AnotherWriter as exc:  # deposed: nothing of ours may be written any more; the new engine answers
            log.error("engine: deposed (%s); stopping", exc)
            self.exit_code = DEPOSED
            self._stop.set()
            return
        except Exception as exc:  # noqa: BLE001 - the sequencer answered a failure: nothing of it was applied
            payload = failure(exc)
        await self._reply(msg, payload)
        await msg.ack()

    async def _reply(self, msg, payload: bytes) -> None:
        headers = msg.headers or {}
        if REPLY_TO in headers:
            await self._nc.publish(headers[REPLY_TO], payload, headers={CORRELATION: headers.get(CORRELATION, "")})

    # -- queries -------------------------------------------------------------------------------------------------
    async def _query(self, msg) -> None:
        try:
            request = orjson.loads(msg.data)
            if request["kind"] == "preview":
                p = await self.trading.sequencer.submit_async(Preview(request["account"],
                                                                      NewOrder(**request["order"])))
                facts = preview_facts_of(p)
                rate = facts["taker_rate"]
                payload = query_value({**facts, "taker_rate": [rate.numerator, rate.denominator]})
            elif request["kind"] == "resting":
                resting = await self.trading.sequencer.submit_async(Inspect(lambda engine: engine.resting()))
                payload = query_value({symbol: [[o.id, o.account, o.side, o.price, o.remaining, o.seq]
                                                for o in orders] for symbol, orders in resting.items()})
            else:
                raise ValueError(f"unknown query {request['kind']!r}")
        except DomainError as refusal:
            payload = encode_result(refusal)
        except Exception as exc:  # noqa: BLE001 - answered, logged
            log.exception("engine: query failed")
            payload = failure(exc)
        await msg.respond(payload)


def _key(command) -> tuple[str, str] | None:
    key = getattr(command, "idempotency_key", None)
    return (command.account, key) if key is not None and command.origin == "api" else None
