"""One writer per PostgreSQL database, with fencing (impl/store/postgres/writer.py), on the real server
(tests/pg_support.py; each test on its own database):

- a second store on the same database is refused `claim_writer()` with AnotherWriter naming the holder;
- a standby's `claim_writer(wait=True)` returns once the holder releases, closes, or its process is SIGKILLed, and
  gives up (AnotherWriter) when its own store is released meanwhile;
- a holder whose guard was taken over (its lock session ended, a standby bumped the epoch) is Deposed at its next
  write and writes nothing; so is one whose lock session died with no standby yet;
- the lease row orders a standby's bump after an in-flight commit of the old holder: the bump waits for it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from pg_support import fresh_database

from impl import demo
from impl.domain.engine import AnotherWriter, Batch, Deposed
from impl.domain.ledger import Journal
from impl.store.postgres import PostgresStore

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_779_105_851_842


@pytest.fixture
def database():
    with fresh_database() as url:
        with closing(PostgresStore(url)) as store:
            demo.seed_if_empty(store)
        yield url


def deposit(store: PostgresStore, ref: str, amount: int = 1_000) -> None:
    """One engine batch (a deposit) written in one transaction, as the sequencer writes it."""
    journal = Journal(store.balance)
    journal.deposit("usr_A", "USDT", amount, ref, T0)
    with store.transaction():
        store.write_trading(Batch(journal, first_entry_id=store.last_entry_id() + 1))


def lease(url: str) -> tuple[int, str]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT epoch, holder FROM engine_lease WHERE grp = 'main'").fetchone()


def end_lock_session(url: str, store: PostgresStore) -> None:
    """What a network cut or a server-side kill does to the holder's lock session (not to its pool)."""
    with psycopg.connect(url, autocommit=True) as conn:
        ended = conn.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"  # waits until it ended
                             " WHERE application_name = %s AND datname = current_database()",
                             ("cooud-writer:main",)).fetchall()
    assert ended == [(True,)]
    del store  # the store itself is not told


def claim_in_thread(store: PostgresStore) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            store.claim_writer(wait=True)
            outcome.append("claimed")
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_second_store_is_refused_and_a_standby_takes_over_on_release_and_on_close(database):
    with closing(PostgresStore(database)) as first, closing(PostgresStore(database)) as second:
        first.claim_writer()
        first.claim_writer()  # idempotent
        with pytest.raises(AnotherWriter, match="already trading") as refused:
            second.claim_writer()
        assert f"pid {os.getpid()}" in str(refused.value)
        assert not isinstance(refused.value, Deposed)
        thread, outcome = claim_in_thread(second)
        wait_until_blocked_on_a_lock(database)
        assert outcome == []  # still waiting: the guard is held
        first.release_writer()
        thread.join(10)
        assert outcome == ["claimed"]
        assert lease(database)[0] == 2
        deposit(second, "by-second")
        third = PostgresStore(database)
        thread, outcome = claim_in_thread(third)
        second.close()  # closing the holder frees the guard too
        thread.join(10)
        assert outcome == ["claimed"] and lease(database)[0] == 3
        deposit(third, "by-third")
        third.close()


HOLDER = """
import sys, time
from impl.store.postgres import PostgresStore
store = PostgresStore(sys.argv[1])
store.claim_writer()
print("held", flush=True)
time.sleep(120)
"""


def test_a_standby_takes_over_within_seconds_when_the_holder_is_killed(database):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, database], cwd=ROOT, stdout=subprocess.PIPE,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert holder.stdout.readline() == b"held\n"
        with closing(PostgresStore(database)) as standby:
            with pytest.raises(AnotherWriter, match="already trading"):
                standby.claim_writer()
            thread, outcome = claim_in_thread(standby)
            holder.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            thread.join(10)
            assert outcome == ["claimed"], "the standby did not take over within 10 s"
            assert time.monotonic() - killed < 5
            assert lease(database)[0] == 2
            deposit(standby, "after-failover")
            assert standby.balance("usr_A", "USDT").free == 1_000
    finally:
        holder.kill()
        holder.wait()


def test_a_deposed_holder_writes_nothing(database):
    with closing(PostgresStore(database)) as old, closing(PostgresStore(database)) as new:
        old.claim_writer()
        deposit(old, "before")
        end_lock_session(database, old)
        new.claim_writer()  # the guard is free: the standby takes it and bumps the epoch
        before = old.balance("usr_A", "USDT"), old.last_entry_id(), old.last_outbox_seq()
        with pytest.raises(Deposed, match="deposed"):
            deposit(old, "after")
        with pytest.raises(Deposed):  # and stays deposed
            deposit(old, "again")
        assert (old.balance("usr_A", "USDT"), old.last_entry_id(), old.last_outbox_seq()) == before
        deposit(new, "by-the-new-holder")
        assert new.balance("usr_A", "USDT").free == 2_000


def test_a_holder_whose_lock_session_died_stops_writing_without_a_standby(database):
    with closing(PostgresStore(database)) as store:
        store.claim_writer()
        deposit(store, "before")
        end_lock_session(database, store)
        with pytest.raises(Deposed):
            deposit(store, "unguarded")
        assert store.balance("usr_A", "USDT").free == 1_000
        assert lease(database)[0] == 1  # nobody else took it


def test_the_bump_waits_for_the_old_holders_commit_in_flight(database):
    """The fencing argument: the old holder's transaction has fenced (row-locked its lease row) when its guard is
    lost; the standby's bump waits for that commit, so the commit lands before the new epoch, and the standby —
    which loads after claiming — sees it."""
    with closing(PostgresStore(database)) as old, closing(PostgresStore(database)) as new:
        old.claim_writer()
        journal = Journal(old.balance)
        journal.deposit("usr_A", "USDT", 7, "in-flight", T0)
        with old.transaction():
            old.write_trading(Batch(journal, first_entry_id=old.last_entry_id() + 1))
            end_lock_session(database, old)
            thread, outcome = claim_in_thread(new)
            wait_until_blocked_on_a_lock(database)
            assert outcome == []
        thread.join(10)  # the old commit ended: the bump goes through
        assert outcome == ["claimed"]
        assert new.balance("usr_A", "USDT").free == 7  # the in-flight batch committed before the takeover
        with pytest.raises(Deposed):
            deposit(old, "late")


def wait_until_blocked_on_a_lock(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            if conn.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = 'cooud-writer:main'"
                            " AND wait_event_type = 'Lock' AND datname = current_database()").fetchone():
                return
            time.sleep(0.05)
    raise AssertionError("the standby's bump never waited on the lease row")


def test_a_waiting_standby_stops_waiting_when_released(database):
    with closing(PostgresStore(database)) as holder, closing(PostgresStore(database)) as standby:
        holder.claim_writer()
        thread, outcome = claim_in_thread(standby)
        wait_until_blocked_on_a_lock(database)
        standby.release_writer()  # e.g. the standby process is told to stop
        thread.join(10)
        assert len(outcome) == 1 and isinstance(outcome[0], AnotherWriter) and "stopped waiting" in str(outcome[0])
        deposit(holder, "still-the-holder")
        assert lease(database)[0] == 1


def test_a_waiting_standby_outlives_the_loss_of_its_session_and_still_takes_over(database):
    """An operator (or a server restart) ends the standby's waiting session: it connects again and keeps waiting,
    instead of dying and leaving no engine to take over."""
    with closing(PostgresStore(database)) as holder, closing(PostgresStore(database)) as standby:
        holder.claim_writer()
        thread, outcome = claim_in_thread(standby)
        wait_until_blocked_on_a_lock(database)
        with psycopg.connect(database, autocommit=True) as conn:
            ended = conn.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM pg_locks"
                                 " WHERE locktype = 'advisory' AND NOT granted AND database ="
                                 " (SELECT oid FROM pg_database WHERE datname = current_database())").fetchone()[0]
        assert ended == 1
        wait_until_blocked_on_a_lock(database)  # waiting again, on a new session
        assert outcome == []
        holder.release_writer()
        thread.join(10)
        assert outcome == ["claimed"] and lease(database)[0] == 2
        deposit(standby, "by-the-standby")
