"""Idempotency records in the store: claimed atomically per account, and garbage-collected after 24 hours."""

from __future__ import annotations

from impl.middleware.idempotency import TTL_MS
from impl.store.sqlite import SQLiteStore

KEY = "0c64d6e7-3b1e-4f6f-9e3b-8a3b3f04e5b2"


def test_records_expire_after_the_ttl_and_are_deleted():
    store = SQLiteStore(":memory:")
    store.migrate()
    t0 = 1_779_105_851_842
    assert store.reserve_idempotency_key("usr_A", KEY, "fp-1", t0, TTL_MS) is None
    store.complete_idempotency_key("usr_A", KEY, 201, "[]", b"{}")
    # within 24 h: the stored answer, whatever the new request is
    assert store.reserve_idempotency_key("usr_A", KEY, "fp-2", t0 + TTL_MS - 1, TTL_MS)[0] == "fp-1"
    # per account: another account's identical key is its own
    assert store.reserve_idempotency_key("usr_B", KEY, "fp-3", t0, TTL_MS) is None
    # after 24 h the record is gone: the key may be reused, and the table holds no expired rows
    assert store.reserve_idempotency_key("usr_A", KEY, "fp-2", t0 + TTL_MS + 1, TTL_MS) is None
    with store._lock:
        rows = store._db.execute("SELECT account_id, fingerprint FROM idempotency_keys ORDER BY 1").fetchall()
    assert rows == [("usr_A", "fp-2")]


def test_the_record_carries_the_domain_result_stored_with_the_effect():
    """`result` (migration 0005) is written by the trading unit of work with its effect; a replay reads it back."""
    store = SQLiteStore(":memory:")
    store.migrate()
    assert store.reserve_idempotency_key("usr_A", KEY, "fp-1", 0, TTL_MS) is None
    with store._lock:
        store._db.execute("UPDATE idempotency_keys SET state = 'done', result = ? WHERE key = ?", (b'{"ok":1}', KEY))
    record = store.reserve_idempotency_key("usr_A", KEY, "fp-1", 1, TTL_MS)
    assert (record.fingerprint, record.state, record.result) == ("fp-1", "done", b'{"ok":1}')
