"""Operator commands that change trading state (deposits), from any process, always through the engine.

One writer per database (impl/domain/trading.py): an operator tool cannot trade beside a running service. So
`deposit` first tries to run an engine of its own (nothing else is serving that database); if another process owns
the engine (always, with COOUD_BUS=nats://: `cooud engine` runs the inbox) it writes the command to that database's
operator inbox (table `operator_commands`) and waits for the answer. The serving process runs an `OperatorInbox`
(started in the app's lifespan): it polls the inbox, submits each pending row to its engine as an operator command
whose idempotency key is the row id — the engine marks the row done in the same transaction as the effect, so a crash
never applies it twice — and marks a refused one failed with the refusal. Bounded: a tool waits at most `timeout`
seconds for an answer.
"""

from __future__ import annotations

import json
import logging
import threading
import time

from impl.domain.commands import Deposit, decode_result
from impl.domain.engine import AnotherWriter
from impl.domain.errors import DomainError, InvalidArgument, OrderRejected
from impl.domain.trading import deposit_units

log = logging.getLogger("cooud.operator")
POLL_S = 0.2


def _now() -> int:
    return time.time_ns() // 1_000_000


def deposit(config, account: str, asset: str, amount: str, ref: str, timeout: float = 30.0) -> tuple[int, int]:
    """Credit `account` through whichever engine owns the database; (free, locked) after it. Raises DomainError."""
    from impl.bus import is_nats
    from impl.services import build_services

    try:
        if is_nats(config.bus):  # the engine is `cooud engine`'s, whether or not it runs now
            raise AnotherWriter("the engine runs in `cooud engine`")
        svc = build_services(config)
    except AnotherWriter:
        svc = build_services(config, trading=False)
        try:
            units = deposit_units(svc.store.list_assets(), asset, amount)
            return _through_inbox(svc.store, {"kind": "deposit", "account": account, "asset": asset,
                                              "amount": units, "ref": ref}, timeout)
        finally:
            svc.close()
    try:
        return svc.trading.deposit(account, asset, amount, ref)
    finally:
        svc.close()


def _through_inbox(store, command: dict, timeout: float):
    command_id = store.enqueue_operator_command(json.dumps(command), _now())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state, result = store.operator_command(command_id)
        if state == "done":
            return decode_result(result)
        if state == "failed":
            refusal = json.loads(result)
            raise OrderRejected(refusal["code"], refusal["message"], field=refusal.get("field"))
        time.sleep(POLL_S / 2)
    raise TimeoutError(f"the running service did not take operator command {command_id} within {timeout:.0f} s "
                       "(it stays queued and runs when the service does)")


class OperatorInbox:
    """Runs in the process that owns the engine: pending inbox rows -> engine commands, in row order."""

    def __init__(self, trading, store, interval: float = POLL_S) -> None:
        self._trading, self._store, self._interval = trading, store, interval
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        """Start polling (again: an app's lifespan may run several times, e.g. under test clients)."""
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop,), name="cooud-operator-inbox",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(self._interval):
            try:
                for command_id, text in self._store.pending_operator_commands(100):
                    self._one(command_id, json.loads(text))
            except Exception:  # a closed store at shutdown, or a bug: log it, keep polling until stopped
                log.exception("operator inbox: polling failed")

    def _one(self, command_id: int, command: dict) -> None:
        try:
            if command.get("kind") != "deposit":
                raise InvalidArgument(f"Unknown operator command {command.get('kind')!r}.")
            self._trading.call(Deposit(command["account"], command["asset"], int(command["amount"]), command["ref"],
                                       idempotency_key=str(command_id), origin="operator"))
        except DomainError as refusal:
            self._store.fail_operator_command(command_id, json.dumps(
                {"code": refusal.code, "message": refusal.message, "field": refusal.field}))
