"""Crash safety of conditional orders: SIGKILL while triggers fire under load; after a restart every trigger fired
once or not at all, nothing acknowledged is lost, and `cooud ledger check` passes.

The run (module fixture `run`): a fresh SQLite file (tests/trigger_load.py `provision`: funded accounts, one trade
at 100.00). Then six rounds, each a child process (`python -m tests.trigger_load`: the real engine, sequencer and
group commit over that file) that places conditional orders of every kind on both sides and drives trades across
their triggers from several threads, writing every answer it got to an acknowledgement file (a line per answer,
fsynced) — and dies by SIGKILL, at one of three points in turn (k and the kill time seeded random):
1. `parent`: the test kills the process group once it has seen k fires committed (100–300, then a pause of up
   to 0.2 s: the kill lands wherever the engine happens to be);
2. `before_commit`: the process kills itself inside the k-th batch that fires triggers (2–25), after the batch's
   rows were written into the open transaction and before COMMIT;
3. `after_commit`: right after that batch's commit, before any of its commands was answered.
After each kill the test restarts on the same file — a fresh store and engine in this process, loaded from what
was committed — and checks, over everything acknowledged so far:
- every acknowledged conditional order, order and cancel is there (orders with the same status or a later one, at
  least as filled; ended ones unchanged); every fire a commit listener saw committed is there; the fires of the batch
  killed before its commit are not (those stay `new`, with no order), those of the batch killed after it are;
- every conditional order fired at most once: at most one order names it as parent, and its status and `order_id`
  agree (`new`: none; `triggered`: one working order linked both ways; `finished`: one ended order, `reason` its
  final status; `cancelled`/`rejected`: none);
- no trigger was lost and none fired early, from the stored trades in id order (ids are time-sortable, monotonic per
  process): a `new` fixed trigger was crossed by no trade after its placement; a `new` trailing stop's tracked price
  and trigger are those its trades imply (best price since activation, callback rounded away); a fired one had a
  crossing trade before the order it placed — and from the outbox (each command's events, stored in its batch): a
  trigger fires in the engine step right after the command whose trade first crossed it, never later, and in the
  same batch as that trade (the child recorded each committed batch's outbox range); the last committed batch leaves
  no crossing trade whose trigger did not fire;
- the restarted engine holds exactly the stored live conditional orders (`new` ones in its trigger index, triggered
  ones linked to their working orders) and the last stored price;
- `store.ledger_report()` is clean and the real CLI `python -m impl.cli ledger check` exits 0.
Finally the last restart trades on: the price sweeps up to 120.00, down to 80.00 and up again (further if a trigger
lies beyond), across every trigger still waiting; each of them fires then, once, and the checks above hold for the
whole history.

Durability note (as tests/contract/test_trading_crash.py): SIGKILL kills the process, not the machine. Set
COOUD_CRASH_SEED to replay other kill points; the seed is in every failure message.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from bisect import bisect_left
from dataclasses import asdict
from pathlib import Path

import pytest

from impl.domain.commands import Inspect
from impl.domain.events import ConditionalUpdated, TradeMade
from tests.live import ROOT
from tests.trigger_load import DEPOSITS, FIRED, SYMBOL, make_trading, open_database, provision, trade_at

SEED = int(os.environ.get("COOUD_CRASH_SEED", "20261203"))
ROUNDS = ("parent", "before_commit", "after_commit") * 2
ACCOUNTS = tuple(DEPOSITS)
RANK = {"open": 0, "partially_filled": 1, "filled": 2, "cancelled": 2, "expired": 2}
ORDER_IMMUTABLE = ("account", "symbol", "side", "type", "tif", "post_only", "price", "size", "quote_size",
                   "client_order_id", "created_at_ms")
CONDITIONAL_IMMUTABLE = ("account", "symbol", "side", "type", "trigger_direction", "price", "size", "quote_size",
                         "tif", "activation_price", "callback_rate", "callback_amount", "client_order_id",
                         "created_at_ms")
CATEGORIES = ("acknowledged", "once", "triggers", "timeline", "engine", "ledger", "after_restart")


# -- the model of a trigger (impl/domain/conditional.py's docstring, written again) ------------------------------
class Trigger:
    """When a conditional order fires, from the last prices it sees in order."""

    def __init__(self, c) -> None:
        self.c = c
        self.trailing = c.type == "trailing_stop"
        self.tracked = None
        self.trigger = None if self.trailing else c.trigger_price

    def see(self, price: int) -> bool:
        """A trade at `price`: True if it fires the order (a trailing stop never fires on a trade that moves it)."""
        c = self.c
        if self.trailing:
            sell = c.side == "sell"
            if self.tracked is None:
                active = c.activation_price is None or (price >= c.activation_price if sell
                                                        else price <= c.activation_price)
            else:
                active = price > self.tracked if sell else price < self.tracked
            if active:
                self.tracked = price
                self.trigger = trail(c, price)
                return False
            if self.trigger is None:
                return False
        return price >= self.trigger if c.trigger_direction == "rise" else price <= self.trigger


def trail(c, tracked: int) -> int:
    """A trailing stop's trigger at `tracked` (BTC/USDT's tick is one price unit): the callback below the high (a
    sell) or above the low (a buy), a rate rounded away from the tracked price."""
    sell = c.side == "sell"
    if c.callback_amount is not None:
        return tracked - c.callback_amount if sell else tracked + c.callback_amount
    scaled = tracked * (10_000 - c.callback_rate if sell else 10_000 + c.callback_rate)  # price × 10_000
    return scaled // 10_000 if sell else -(-scaled // 10_000)


def ulid(prefixed: str) -> str:
    return prefixed.split("_", 1)[1]


# -- reading what is stored ------------------------------------------------------------------------------------
class State:
    """Everything committed: conditional orders and orders by id, trades in id order, the outbox."""

    def __init__(self, store, database: Path) -> None:
        self.conditionals = {c.id: c for a in ACCOUNTS for c in store.list_conditionals(a, {}, 1_000_000, None)}
        self.orders = {o.id: o for a in ACCOUNTS for o in store.list_orders(a, {}, 1_000_000, None)}
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            self.trades = db.execute("SELECT id, price, ts_ms FROM trades WHERE symbol = ? ORDER BY id",
                                     (SYMBOL,)).fetchall()
        self.trade_keys = [ulid(t[0]) for t in self.trades]
        self.outbox = store.outbox_after(0, 10_000_000)
        self.children: dict[str, list] = {}
        for o in self.orders.values():
            if o.parent_id is not None:
                self.children.setdefault(o.parent_id, []).append(o)


def read_acks(path: Path) -> list[dict]:
    return [json.loads(line) for line in _text(path).split("\n")[:-1]]  # whole lines only (the last may be cut)


# -- the checks (each returns its problems) --------------------------------------------------------------------
def check_acknowledged(state: State, acks: list[dict], kill: dict | None) -> list[str]:
    problems = []
    for ack in acks:
        kind = ack["kind"]
        if kind == "cond":
            acked = ack["conditional"]
            now = state.conditionals.get(acked["id"])
            if now is None:
                problems.append(f"acknowledged conditional order {acked['id']} is gone")
                continue
            immutable = CONDITIONAL_IMMUTABLE + (() if acked["type"] == "trailing_stop" else ("trigger_price",))
            if {k: getattr(now, k) for k in immutable} != {k: acked[k] for k in immutable}:
                problems.append(f"conditional order {acked['id']} changed: {acked} -> {now}")
        elif kind == "order":
            acked = ack["order"]
            now = state.orders.get(acked["id"])
            if now is None:
                problems.append(f"acknowledged order {acked['id']} is gone")
            elif RANK[acked["status"]] == 2 and asdict(now) != acked:
                problems.append(f"an ended order changed: {acked} -> {now}")
            elif ({k: getattr(now, k) for k in ORDER_IMMUTABLE} != {k: acked[k] for k in ORDER_IMMUTABLE}
                  or RANK[now.status] < RANK[acked["status"]] or now.filled < acked["filled"]):
                problems.append(f"order {acked['id']} went back: {acked} -> {now}")
        elif kind == "cancel":
            now = state.conditionals.get(ack["conditional"]["id"])
            if now is None or (now.status, now.reason) != ("cancelled", "requested"):
                problems.append(f"acknowledged cancel of {ack['conditional']['id']} is gone: {now}")
        elif kind == "refused" and ack["of"] == "cancel":
            now = state.conditionals.get(ack["id"])
            if ack["code"] != "conditional_order_not_open" or now is None or now.status not in FIRED:
                problems.append(f"a cancel refused {ack['code']} but {ack['id']} is {now}")
        elif kind == "fired":
            now = state.conditionals.get(ack["id"])
            if now is None or now.status not in FIRED:
                problems.append(f"a committed fire of {ack['id']} is gone: {now}")
        elif kind == "error":
            problems.append(f"the load failed: {ack['error']}")
    if kill is not None and kill["point"] == "before_commit":  # that batch never committed: not a trace of it
        for cid in kill["fired"]:  # (gone altogether if that batch placed it too)
            now = state.conditionals.get(cid)
            if (now is not None and now.status != "new") or state.children.get(cid):
                problems.append(f"{cid} fired in the batch killed before its commit, yet it is {now}")
    if kill is not None and kill["point"] == "after_commit":
        for cid in kill["fired"]:
            now = state.conditionals.get(cid)
            if now is None or now.status not in FIRED:
                problems.append(f"{cid} fired in a committed (unanswered) batch, yet it is {now}")
    return problems


def check_fired_once(state: State) -> list[str]:
    problems = [f"order {o.id} names a conditional order that does not exist: {o.parent_id}"
                for parent, orders in state.children.items() if parent not in state.conditionals for o in orders]
    for c in state.conditionals.values():
        children = state.children.get(c.id, [])
        if len(children) > 1:
            problems.append(f"{c.id} fired {len(children)} times: {[o.id for o in children]}")
            continue
        child = children[0] if children else None
        if c.status in ("new", "cancelled", "rejected"):
            if child is not None or c.order_id is not None:
                problems.append(f"{c.id} is {c.status} but placed {child or c.order_id}")
            if (c.status == "new") != (c.reserved > 0) or (c.status == "rejected") != (c.triggered_at_ms is not None):
                problems.append(f"{c.id} is {c.status} with reserved {c.reserved}, triggered at {c.triggered_at_ms}")
            continue
        if child is None or c.order_id != child.id or c.reserved != 0 or c.triggered_at_ms is None:
            problems.append(f"{c.id} is {c.status} (order {c.order_id}) but its placed orders are {children}")
            continue
        if c.status == "triggered" and not child.is_open:
            problems.append(f"{c.id} is triggered but its order {child.id} is {child.status}")
        if c.status == "finished" and (child.is_open or c.reason != child.status):
            problems.append(f"{c.id} finished {c.reason} but its order {child.id} is {child.status}")
        placed = (child.account, child.symbol, child.side, child.type, child.price, child.size, child.quote_size,
                  child.tif)
        wanted = (c.account, c.symbol, c.side, "limit" if c.type.endswith("limit") else "market", c.price, c.size,
                  c.quote_size, c.tif)
        if placed != wanted:
            problems.append(f"{c.id} placed {placed}, not {wanted}")
    return problems


def check_triggers_from_trades(state: State) -> list[str]:
    """Each conditional order against the stored trades after its placement, in id order."""
    problems = []
    for c in state.conditionals.values():
        start = bisect_left(state.trade_keys, ulid(c.id))
        model = Trigger(c)
        if model.trailing and start:
            model.see(state.trades[start - 1][1])  # it saw the last price when placed
        first = next((t for t in state.trades[start:] if model.see(t[1])), None)
        if c.status == "new":
            if first is not None:
                problems.append(f"{c.id} ({c.type} {c.side}, trigger {model.trigger}) still waits, though trade "
                                f"{first[0]} at {first[1]} crossed it")
            elif model.trailing and (c.tracked_price, c.trigger_price) != (model.tracked, model.trigger):
                problems.append(f"trailing stop {c.id} tracks {c.tracked_price} (trigger {c.trigger_price}); its "
                                f"trades say {model.tracked} (trigger {model.trigger})")
        elif c.status in FIRED:
            if first is None:
                problems.append(f"{c.id} fired ({c.status}) though no trade after its placement crossed it")
            elif c.order_id is not None and ulid(c.order_id) < ulid(first[0]):
                problems.append(f"{c.id} placed {c.order_id} before trade {first[0]} first crossed it")
        elif c.status == "cancelled" and first is not None and c.updated_at_ms > first[2]:
            problems.append(f"{c.id} was cancelled at {c.updated_at_ms}, after trade {first[0]} crossed it")
    return problems


def check_timeline(state: State, acks: list[dict]) -> list[str]:
    """Replay the outbox (one row per engine step, in commit order): a trigger fires in the step right after the
    one holding the first trade that crossed it, in the same batch (where the child recorded the batch's bounds) —
    and the committed history ends with no crossing unfired."""
    problems: list[str] = []
    batch_of = {seq: a["first"] for a in acks if a["kind"] == "batch" for seq in range(a["first"], a["last"] + 1)}
    seqs = [row.seq for row in state.outbox]
    if seqs != list(range(1, len(seqs) + 1)):
        return [f"the outbox is not complete: {seqs[:3]} … {seqs[-3:]}"]
    models: dict[str, Trigger] = {}
    watching: dict[str, Trigger] = {}  # waiting, not crossed yet
    due: dict[str, tuple[int, str]] = {}  # conditional id -> (the step it must fire in, the trade that crossed it)
    ended: set[str] = set()
    last, traded = None, []
    for row in state.outbox:
        for event in row.events:
            if type(event) is not ConditionalUpdated:
                continue
            c = event.conditional
            if c.id not in models:
                if c.status != "new":
                    problems.append(f"{c.id} first appears {c.status} (step {row.seq})")
                models[c.id] = watching[c.id] = model = Trigger(c)
                if model.trailing and last is not None:
                    model.see(last)
            model = models[c.id]
            if c.id in ended or c.status == "new":
                pass
            elif c.status in FIRED:
                when = due.pop(c.id, None)
                if when is None or when[0] != row.seq:
                    problems.append(f"{c.id} fired in step {row.seq}; its first crossing trade says {when}")
                elif batch_of.get(row.seq - 1, -1) != batch_of.get(row.seq, -1):
                    problems.append(f"{c.id} fired in step {row.seq}, in another batch than {when[1]}")
                ended.add(c.id)
            elif c.status == "cancelled":
                if c.id in due:
                    problems.append(f"{c.id} cancelled in step {row.seq} though {due[c.id]} should have fired it")
                ended.add(c.id)
            if c.id in ended:
                watching.pop(c.id, None)
            if c.id not in ended and model.trailing and (c.tracked_price, c.trigger_price) != \
                    (model.tracked, model.trigger):
                problems.append(f"trailing stop {c.id} in step {row.seq}: tracked {c.tracked_price} trigger "
                                f"{c.trigger_price}, the trades say {model.tracked} / {model.trigger}")
        late = [cid for cid, (step, _) in due.items() if step == row.seq]
        for cid in late:
            problems.append(f"{cid} did not fire in step {row.seq}, after {due.pop(cid)[1]} crossed it")
        for event in row.events:
            if type(event) is TradeMade and event.trade.symbol == SYMBOL:
                last = event.trade.price
                traded.append(event.trade.id)
                crossed = [cid for cid, model in watching.items() if model.see(last)]
                for cid in crossed:
                    del watching[cid]
                    due[cid] = (row.seq + 1, f"trade {event.trade.id} at {last} in step {row.seq}")
    problems += [f"{cid}: {why} crossed it, but the committed history ends without its fire"
                 for cid, (_, why) in due.items()]
    if traded != [t[0] for t in state.trades]:
        problems.append("the outbox's trades are not the stored trades in id order")
    for cid in models:
        stored = state.conditionals.get(cid)
        if stored is None or (stored.status == "new") != (cid not in ended):
            problems.append(f"{cid}: the outbox says {'ended' if cid in ended else 'waiting'}, the store {stored}")
    if set(models) != set(state.conditionals):
        problems.append("conditional orders stored without a placement in the outbox")
    return problems


def check_engine(trading, state: State) -> list[str]:
    """The restarted engine against the store: live conditional orders, trigger index, links, last price."""

    def view(engine):
        indexed = {cid for index in engine.triggers.values()
                   for cid in [e[1] for e in index.rise] + [e[1] for e in index.fall] + list(index.trailing)}
        return set(engine.conditionals), indexed, dict(engine.placed_by), dict(engine.last_price)

    live, indexed, placed_by, last_price = trading.call(Inspect(view))
    stored = state.conditionals.values()
    problems = []
    if live != {c.id for c in stored if c.is_live}:
        differ = live ^ {c.id for c in stored if c.is_live}
        problems.append(f"the engine's live conditional orders differ from the store's: {sorted(differ)}")
    if indexed != {c.id for c in stored if c.status == "new"}:
        problems.append("the trigger index is not the stored waiting conditional orders")
    if placed_by != {c.order_id: c.id for c in stored if c.status == "triggered"}:
        problems.append("the engine's links to working orders differ from the stored ones")
    if last_price != {SYMBOL: state.trades[-1][1]}:
        problems.append(f"last price after the restart {last_price}, the last stored trade {state.trades[-1]}")
    return problems


def check_ledger(store, database: Path) -> list[str]:
    report = store.ledger_report()
    problems = [f"ledger_report {k}: {v}" for k, v in report.items() if k != "asset_totals" and v]
    done = subprocess.run([sys.executable, "-m", "impl.cli", "ledger", "check", "--database", str(database)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or json.loads(done.stdout or "{}").get("ok") is not True:
        problems.append(f"cooud ledger check exit {done.returncode}: {done.stdout} {done.stderr}")
    return problems


# -- the run ---------------------------------------------------------------------------------------------------
def run_round(database: Path, root: Path, n: int, mode: str, rng: random.Random) -> tuple[list[dict], dict | None]:
    """One child process, killed as `mode` says; its acknowledgements and its kill line."""
    acks_path, log_path = root / f"acks-{n}.jsonl", root / f"child-{n}.log"
    fires = rng.randint(100, 300) if mode == "parent" else rng.randint(2, 25)
    command = [sys.executable, "-m", "tests.trigger_load", str(database), str(acks_path), "--round", str(n),
               "--seed", str(rng.randrange(1 << 30)), "--kill", mode, "--fires", str(fires)]
    with open(log_path, "wb") as log:
        child = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if mode == "parent":
            deadline = time.monotonic() + 40
            while _text(acks_path).count('"kind": "fired"') < fires:  # committed fires
                assert child.poll() is None and time.monotonic() < deadline, \
                    f"round {n}: {fires} fires never came (seed {SEED}): {log_path.read_text()[-3000:]}"
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.2))
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=15)
    acks = read_acks(acks_path)
    assert child.returncode == -signal.SIGKILL, \
        f"round {n} ({mode}) was not killed (exit {child.returncode}, seed {SEED}): {acks[-1:]} " \
        f"{log_path.read_text()[-3000:]}"
    kills = [a for a in acks if a["kind"] == "kill"]
    assert (len(kills) == 1) == (mode != "parent"), kills
    return acks, (kills[0] if kills else None)


def _text(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def check_all(problems: dict, label: str, store, trading, database: Path, acks: list[dict],
              kill: dict | None) -> State:
    state = State(store, database)
    found = {"acknowledged": check_acknowledged(state, acks, kill), "once": check_fired_once(state),
             "triggers": check_triggers_from_trades(state), "timeline": check_timeline(state, acks),
             "engine": check_engine(trading, state)}
    for category, items in found.items():
        problems[category] += [f"{label}: {p}" for p in items]
    return state


def last_price(trading) -> int:
    return trading.call(Inspect(lambda engine: engine.last_price[SYMBOL]))


def sweep(trading, target: int) -> None:
    """Trade in 0.50 steps to `target` (and until the last price is `target`)."""
    at = last_price(trading)
    while at != target:
        at = min(at + 50, target) if target > at else max(at - 50, target)
        trade_at(trading, at, "1.00000")
    for _ in range(100):
        if last_price(trading) == target:
            return
        trade_at(trading, target, "1.00000")
    raise AssertionError(f"the sweep never traded at {target}")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("trigger-crash")
    database = root / "cooud.sqlite3"
    provision(str(database))
    rng = random.Random(SEED)
    problems: dict[str, list[str]] = {category: [] for category in CATEGORIES}
    acknowledged: list[dict] = []
    facts = {"fired": 0, "acks": 0, "kills": []}
    for n, mode in enumerate(ROUNDS, 1):
        acks, kill = run_round(database, root, n, mode, rng)
        acknowledged += acks
        facts["kills"].append((mode, kill["fired"] if kill else None, len(acks)))
        store = open_database(str(database))
        trading = make_trading(store)  # the restart: books, balances and triggers from what was committed
        try:
            check_all(problems, f"after round {n} ({mode}, seed {SEED})", store, trading, database, acknowledged,
                      kill)
            if n < len(ROUNDS):
                problems["ledger"] += [f"after round {n}: {p}" for p in check_ledger(store, database)]
                continue
            # The last restart trades on, across every trigger still waiting.
            before = State(store, database)
            waiting = [c for c in before.conditionals.values() if c.status == "new"]
            prices = [p for c in waiting for p in (c.trigger_price, c.activation_price) if p is not None]
            high, low = max([12_000, *prices]) + 500, min([8_000, *prices]) - 500  # beyond every trigger
            for target in (high, low, high):
                sweep(trading, target)
            after = check_all(problems, f"after the sweep (seed {SEED})", store, trading, database,
                              acknowledged, None)
            problems["after_restart"] += [f"{c.id} still {after.conditionals[c.id].status} after the sweep"
                                          for c in waiting if after.conditionals[c.id].status not in FIRED]
            facts.update(waiting=len(waiting), conditionals=len(after.conditionals), trades=len(after.trades),
                         fired=sum(c.status in FIRED for c in after.conditionals.values()))
        finally:
            trading.close()
            store.close()
    problems["ledger"] += [f"at the end: {p}" for p in check_ledger_after_close(database)]
    facts["acks"] = len(acknowledged)
    return {"problems": problems, "facts": facts, "acknowledged": acknowledged}


def check_ledger_after_close(database: Path) -> list[str]:
    store = open_database(str(database))
    try:
        return check_ledger(store, database)
    finally:
        store.close()


# -- the verdicts ----------------------------------------------------------------------------------------------
def test_the_run_fired_triggers_and_was_killed_while_they_fired(run):
    facts, acks = run["facts"], run["acknowledged"]
    kinds = {kind: sum(a["kind"] == kind for a in acks) for kind in ("cond", "order", "cancel", "fired")}
    assert kinds["cond"] > 200 and kinds["order"] > 200 and kinds["fired"] > 50 and kinds["cancel"] > 0, (kinds, facts)
    assert all(fired for mode, fired, _ in facts["kills"] if mode != "parent"), facts["kills"]
    assert facts["waiting"] > 10, "too few triggers were left for the sweep after the restarts"
    types = {(a["conditional"]["type"], a["conditional"]["side"]) for a in acks if a["kind"] == "cond"}
    assert len(types) == 10, types  # every kind, both sides
    refused = {a["code"] for a in acks if a["kind"] == "refused"}
    assert refused <= {"would_trigger_immediately", "conditional_order_not_open"}, refused  # a stale last price, or
    # a cancel that came after the fire: nothing else is refused in this load


def test_nothing_acknowledged_is_lost(run):
    assert run["problems"]["acknowledged"] == []


def test_every_trigger_fired_at_most_once_and_is_linked_to_its_order(run):
    assert run["problems"]["once"] == []


def test_no_trigger_was_lost_or_fired_early_by_the_stored_trades(run):
    assert run["problems"]["triggers"] == []


def test_every_trigger_fired_in_the_step_after_its_crossing_trade_and_none_is_left_pending(run):
    assert run["problems"]["timeline"] == []


def test_the_restarted_engine_holds_exactly_the_stored_triggers(run):
    assert run["problems"]["engine"] == []


def test_triggers_still_waiting_fire_once_when_trading_goes_on_after_the_restart(run):
    assert run["problems"]["after_restart"] == []


def test_the_ledger_check_passes(run):
    assert run["problems"]["ledger"] == []
