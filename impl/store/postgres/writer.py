"""One writer per database, with fencing: the PostgreSQL store's single-writer guard (`TradingStore.claim_writer`).

The guard of a writer group (one engine per market group; "main" by default) is a session-level advisory lock,
taken on a dedicated connection outside the pool and held for as long as the store holds the guard. PostgreSQL
releases it when that session ends — `release_writer()`, `close()`, or the process dying (its socket closes; a
silent network loss is noticed by TCP keepalives, set short on that session). `claim(wait=False)` raises
`AnotherWriter` naming the holder at once when another session holds it; `claim(wait=True)` blocks until it is free
(a standby engine).

Fencing. On acquiring, the new holder bumps `epoch` in its row of `engine_lease` (migrations/0002) and remembers it.
Every trading transaction of the holder first runs `fence()`: an UPDATE of that row WHERE epoch is still the one it
holds AND its lock session still holds the advisory lock (pg_locks) — in the same transaction as its writes. If no
row matches, the transaction raises `Deposed` and writes nothing; the store stays deposed (every later write raises).

Why a deposed holder can never commit after the standby's bump: the fence UPDATE and the bump both take the lease
row's lock, which is held until their transactions end. (1) If the old holder's fence ran first, the standby's bump
waits for that transaction to commit or abort, so the old holder's last batch is committed before the new epoch
exists, and the standby (which loads the engine state only after claiming) sees it. (2) If the bump ran first, the
old holder's fence waits for the bump to commit and then re-checks its WHERE against the bumped row (PostgreSQL
re-evaluates an UPDATE's condition on the newest row version under READ COMMITTED): epoch differs, no row, Deposed.
There is no third order. The pg_locks condition covers the case with no standby (yet): a holder whose lock session
died stops writing at its next batch instead of writing unguarded.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading

import psycopg

from impl.domain.engine import AnotherWriter, Deposed

_BUMP = ("INSERT INTO engine_lease (grp, epoch, holder, acquired_at_ms)"
         " VALUES (%s, 1, %s, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)"
         " ON CONFLICT (grp) DO UPDATE SET epoch = engine_lease.epoch + 1, holder = excluded.holder,"
         " acquired_at_ms = excluded.acquired_at_ms RETURNING epoch")
_FENCE = ("UPDATE engine_lease SET epoch = epoch WHERE grp = %s AND epoch = %s AND EXISTS (SELECT 1 FROM pg_locks"
          " WHERE locktype = 'advisory' AND granted AND pid = %s AND classid::bigint = %s AND objid::bigint = %s"
          " AND objsubid = 1)")
# Server-side keepalives of the lock session: a holder cut off without its socket closing loses the lock in ~11 s.
RECONNECT_S = 0.5  # a waiting standby whose session was lost connects again after this
_KEEPALIVES = ("SET tcp_keepalives_idle = 5", "SET tcp_keepalives_interval = 2", "SET tcp_keepalives_count = 3")


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for `name`."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class WriterGuard:
    def __init__(self, url: str, group: str) -> None:
        self.url, self.group = url, group
        self.key = advisory_key(f"cooud-writer:{group}")
        self._conn: psycopg.Connection | None = None  # the lock session, while held
        self._waiting: psycopg.Connection | None = None  # the session of a claim(wait=True) still waiting
        self._epoch: int | None = None
        self._claimed = False  # ever: from then on every write is fenced
        self._mutex = threading.Lock()
        self._released = threading.Event()  # set by release(): a standby between two reconnects stops waiting

    @property
    def epoch(self) -> int | None:
        return self._epoch

    def claim(self, wait: bool = False) -> None:
        """Take the guard. A standby (`wait`) outlives the loss of its own waiting session — the server restarted,
        or an operator terminated its connections: it reconnects and waits again, until `release()`."""
        if self._conn is not None:
            return
        self._released.clear()
        while True:
            try:
                self._claim_once(wait)
                return
            except psycopg.OperationalError:
                if not wait or self._released.wait(RECONNECT_S):
                    raise

    def _claim_once(self, wait: bool) -> None:
        conn = psycopg.connect(self.url, autocommit=True, application_name=f"cooud-writer:{self.group}",
                               keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3)
        try:
            for statement in _KEEPALIVES:
                conn.execute(statement)
            self._lock(conn, wait)
            holder = f"pid {os.getpid()} on {socket.gethostname()}"
            epoch = conn.execute(_BUMP, (self.group, holder)).fetchone()[0]
        except BaseException:
            conn.close()
            raise
        with self._mutex:
            self._conn, self._epoch, self._claimed = conn, epoch, True

    def _lock(self, conn: psycopg.Connection, wait: bool) -> None:
        if not wait:
            if not conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()[0]:
                raise AnotherWriter(f"another process ({self._holder(conn)}) is already trading on this database"
                                    f" (writer group {self.group!r}); one engine per group — stop it first, or start"
                                    " this one as a standby")
            return
        self._waiting = conn
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (self.key,))
        except psycopg.errors.QueryCanceled:
            raise AnotherWriter(f"stopped waiting for the writer guard of group {self.group!r}") from None
        finally:
            self._waiting = None

    def _holder(self, conn: psycopg.Connection) -> str:
        row = conn.execute("SELECT holder, epoch FROM engine_lease WHERE grp = %s", (self.group,)).fetchone()
        return f"{row[0]}, epoch {row[1]}" if row else "unknown"

    def release(self) -> None:
        self._released.set()
        waiting = self._waiting
        if waiting is not None:
            waiting.cancel_safe()
        with self._mutex:
            conn, self._conn, self._epoch = self._conn, None, None
        if conn is not None:
            conn.close()  # ending the session releases the advisory lock

    def fence(self, cur: psycopg.Cursor) -> None:
        """Inside a write transaction: raise Deposed unless this guard still holds its group (see the module
        docstring). A store that never claimed the guard writes unfenced, as SQLite's does."""
        if not self._claimed:
            return
        conn, epoch = self._conn, self._epoch
        if conn is None or epoch is None:
            raise Deposed(f"this process no longer holds the writer guard of group {self.group!r}")
        high, low = (self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF
        cur.execute(_FENCE, (self.group, epoch, conn.info.backend_pid, high, low))
        if cur.rowcount != 1:
            self.release()
            raise Deposed(f"deposed: the writer guard of group {self.group!r} (epoch {epoch}) was taken over or its"
                          " connection was lost; nothing was written")
