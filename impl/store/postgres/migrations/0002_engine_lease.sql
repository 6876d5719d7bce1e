-- engine_lease: who holds the single-writer guard of each market group, and since when (impl/store/postgres/writer.py).
-- The guard itself is a session-level advisory lock held on a dedicated connection; `epoch` is bumped each time it
-- changes hands, and every trading transaction of the holder checks (and row-locks) its epoch here, so a holder that
-- lost the lock — deposed by a standby — can never commit another write (fencing).
CREATE TABLE engine_lease (
    grp            TEXT PRIMARY KEY,
    epoch          BIGINT NOT NULL,
    holder         TEXT NOT NULL,
    acquired_at_ms BIGINT NOT NULL
);
