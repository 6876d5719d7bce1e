"""The bus between API workers and the engine: in-process by default, NATS JetStream for the scaled deployment.

```
 clients ─HTTP/WS─▶ cooud serve (worker ×N, no trading state)            cooud engine ×2 (one active, one standby)
                    RemoteTrading (impl/bus/remote.py)                    EngineProcess (impl/bus/engine_process.py)
                      │ command (JSON, impl/domain/commands.py)              ▲ durable pull consumer, explicit ack
                      │ Nats-Msg-Id = account:key:request (link.py: why)     │ fetch in batches -> sequencer
                      ▼                                                      │ (group commit as in one process)
                    JetStream stream {prefix}_CMD_{group}  ──────────────────┘
                    subject {prefix}.cmd.{group}, work-queue retention, 2 min duplicate window
                      ▲                                                      │
                      └──── core NATS {prefix}.res.{worker} ◀── result ──────┘ (after commit; then ack)
                    queries (preview, resting) ── core NATS request/reply on {prefix}.query.{group} ──▶ engine
                    events: engine outbox -> JetStream {prefix}_EVT_{group} -> every worker's L2 books and stream
                            hub (impl/bus/events.py: OutboxPublisher in the engine, BusEvents in each worker)
```
`COOUD_BUS=memory` (the default) is the embedded mode: the engine runs inside `cooud serve` (impl/services.py) and
nothing here is used. `COOUD_BUS=nats://…` selects this package: `cooud serve` builds no engine, `cooud engine`
runs it. `COOUD_BUS_PREFIX` (default "cooud") prefixes every stream, subject and durable consumer name, so test
runs and deployments sharing one NATS never meet.

Invariants:
- One active engine per group: it holds the store's writer guard (`claim_writer(wait=True)`: a standby blocks
  there until the active one dies; a deposed one gets `Deposed` from its next write and stands by again).
- A command is acked only after its result is committed and sent; an engine that dies first leaves it to be
  redelivered (after the consumer's ack wait) to its successor, which answers a command whose (account, key) already
  has a stored result from that result without applying it again (`IdempotencyStore.idempotency_result`).
- A worker waits a bounded time for a result; without one it answers `internal_error` (the spec's order operations
  list no 503) and keeps the Idempotency-Key in flight, because the command may still commit: the retry is answered
  from the engine's stored result once it has, or takes the key over after `ABANDON_AFTER_MS`.

Market groups: `COOUD_ENGINE_GROUP` names the group an engine serves; the default group "main" holds every market.
Several groups (sharding markets across engines) is a later step: balances are shared by all markets of an
account, and an order's reservation must be taken by the one writer of that balance — split groups need a
balance-transfer protocol between engines (or per-group sub-accounts) first.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

COMMAND_TIMEOUT_S = 10.0  # how long a worker waits for the engine's answer to a command or query
ABANDON_AFTER_MS = 20_000  # an in-flight Idempotency-Key older than this may be taken over (its worker died)
DUPLICATE_WINDOW_S = 120.0  # JetStream's de-duplication window on Nats-Msg-Id
ACK_WAIT_S = 5.0  # a command fetched but not acked (its engine died) is redelivered after this
MAX_ACK_PENDING = 4096
FETCH_BATCH = 512


# Set by the idempotency middleware around an operation (impl/middleware/idempotency.py): [True] while a command
# handed to a remote engine is unanswered, so that a failure then keeps the Idempotency-Key in flight.
in_doubt_var: ContextVar[list[bool] | None] = ContextVar("cooud_command_in_doubt", default=None)


def command_in_doubt(sent: bool) -> None:
    """The running request's command was handed to the engine (True) / was answered by it (False)."""
    holder = in_doubt_var.get()
    if holder is not None:
        holder[0] = sent


def is_nats(bus: str) -> bool:
    return bus.startswith(("nats://", "tls://"))


@dataclass(frozen=True)
class Names:
    """Every JetStream and NATS name of one deployment (prefix) and market group."""

    prefix: str
    group: str

    @property
    def stream(self) -> str:
        return f"{self.prefix}_CMD_{self.group}"

    @property
    def commands(self) -> str:
        return f"{self.prefix}.cmd.{self.group}"

    @property
    def durable(self) -> str:
        return f"{self.prefix}_engine_{self.group}"

    @property
    def queries(self) -> str:
        return f"{self.prefix}.query.{self.group}"

    def replies(self, worker_id: str) -> str:
        return f"{self.prefix}.res.{worker_id}"


def names_of(config) -> Names:
    return Names(config.bus_prefix, config.engine_group)
