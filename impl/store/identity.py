"""SQLite tables of identity and access (mixed into SQLiteStore): users, sessions, refresh tokens, wallet
nonces, invites, API keys, listen keys, sign-in attempts and idempotency records.

Invariants: single-use things (nonces, invites, refresh-token rotation, idempotency reservations) are
claimed with one conditional UPDATE/INSERT inside the store lock, so two concurrent claims can never both
succeed. Secrets never reach these tables in the clear (see migrations/0002_identity.sql; listen keys are kept as
SHA-256 hashes, migrations/0004_listen_keys.sql). Rows that can never authenticate again are deleted by
`purge_expired_identity`, which the service runs periodically. Implements `IdentityStore` and `IdempotencyStore` of
`impl.domain.ports`; SQL stays in the subset PostgreSQL shares, except the listen-key cap (rowid, LIMIT -1).
"""

from __future__ import annotations

import json
import sqlite3

from impl.domain.identity_model import ApiKey, Session, User
from impl.domain.ports import AlreadyExists
from impl.domain.records import IdempotencyRecord, ListenKeyOwner, LoginAttempts, Purged, RefreshRotation

_USER_COLS = ("id, email, password_hash, wallet_address, totp_sealed, totp_pending, totp_last_step, invite_status,"
              " fee_tier, created_at_ms")
_KEY_COLS = ("id, user_id, label, scopes, ip_allowlist, status, generation, created_at_ms, expires_at_ms,"
             " rotated_at_ms")


def _key(row) -> ApiKey:
    return ApiKey(row[0], row[1], row[2], tuple(filter(None, row[3].split(","))), tuple(json.loads(row[4])), *row[5:])


class IdentityTables:
    """Requires `self._db` (sqlite3 connection in autocommit mode), `self._lock` and `self._tx()`."""

    # -- users ------------------------------------------------------------------------------------------------
    def add_user(self, user: User) -> None:
        try:
            with self._lock, self._tx():
                self._db.execute(f"INSERT INTO users ({_USER_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                                 (user.id, user.email, user.password_hash, user.wallet_address, user.totp_sealed,
                                  user.totp_pending, user.totp_last_step, user.invite_status, user.fee_tier,
                                  user.created_at_ms))
        except sqlite3.IntegrityError as e:
            if "UNIQUE" not in str(e):
                raise
            raise AlreadyExists("A user with this id, email or wallet address already exists.") from e

    def user_by(self, column: str, value: str) -> User | None:
        assert column in ("id", "email", "wallet_address")
        with self._lock:
            row = self._db.execute(f"SELECT {_USER_COLS} FROM users WHERE {column} = ?", (value,)).fetchone()
        return User(*row) if row else None

    def update_user(self, user_id: str, **fields) -> None:
        allowed = {"totp_sealed", "totp_pending", "totp_last_step", "invite_status", "password_hash"}
        assert fields and set(fields) <= allowed
        sets = ", ".join(f"{k} = ?" for k in fields)
        with self._lock, self._tx():
            self._db.execute(f"UPDATE users SET {sets} WHERE id = ?", (*fields.values(), user_id))

    def advance_totp_step(self, user_id: str, step: int) -> bool:
        """Record `step` as the last used TOTP step unless an equal or later one was used (replay)."""
        with self._lock, self._tx():
            cur = self._db.execute(
                "UPDATE users SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)",
                (step, user_id, step))
            return cur.rowcount == 1

    # -- sessions and refresh tokens ---------------------------------------------------------------------------
    def add_session(self, session: Session, cookie_hash: str | None = None) -> None:
        with self._lock, self._tx():
            self._db.execute(
                "INSERT INTO sessions (id, user_id, kind, network, cookie_hash, created_at_ms, expires_at_ms,"
                " revoked_at_ms) VALUES (?,?,?,?,?,?,?,?)",
                (session.id, session.user_id, session.kind, session.network, cookie_hash, session.created_at_ms,
                 session.expires_at_ms, session.revoked_at_ms))

    def session(self, session_id: str) -> Session | None:
        return self._session_where("id = ?", session_id)

    def session_by_cookie(self, cookie_hash: str) -> Session | None:
        return self._session_where("cookie_hash = ?", cookie_hash)

    def _session_where(self, where: str, value: str) -> Session | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, user_id, kind, network, created_at_ms, expires_at_ms, revoked_at_ms FROM sessions"
                f" WHERE {where}", (value,)).fetchone()
        return Session(*row) if row else None

    def revoke_session(self, session_id: str, now_ms: int) -> None:
        with self._lock, self._tx():
            self._db.execute("UPDATE sessions SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL",
                             (now_ms, session_id))

    def add_refresh_token(self, token_hash: str, session_id: str, now_ms: int, expires_at_ms: int) -> None:
        with self._lock, self._tx():
            self._db.execute("INSERT INTO refresh_tokens (token_hash, session_id, issued_at_ms, expires_at_ms)"
                             " VALUES (?,?,?,?)", (token_hash, session_id, now_ms, expires_at_ms))

    def rotate_refresh_token(self, token_hash: str, now_ms: int) -> RefreshRotation | None:
        """Mark a refresh token rotated: "rotated" when this call rotated it, "reused" when it was already rotated
        (a replay), or None for an unknown/expired token."""
        with self._lock, self._tx():
            row = self._db.execute("SELECT session_id, expires_at_ms, rotated_at_ms FROM refresh_tokens"
                                   " WHERE token_hash = ?", (token_hash,)).fetchone()
            if row is None or row[1] <= now_ms:
                return None
            if row[2] is not None:
                return RefreshRotation(row[0], "reused")
            self._db.execute("UPDATE refresh_tokens SET rotated_at_ms = ? WHERE token_hash = ?", (now_ms, token_hash))
            return RefreshRotation(row[0], "rotated")

    # -- sign-in attempts ---------------------------------------------------------------------------------------
    def count_login_attempt(self, subject: str, now_ms: int, window_ms: int) -> LoginAttempts:
        with self._lock, self._tx():
            self._db.execute("DELETE FROM login_attempts WHERE window_ends_at_ms <= ?", (now_ms,))
            self._db.execute("INSERT INTO login_attempts (subject, attempts, window_ends_at_ms) VALUES (?, 1, ?)"
                             " ON CONFLICT (subject) DO UPDATE SET attempts = login_attempts.attempts + 1",
                             (subject, now_ms + window_ms))
            row = self._db.execute("SELECT attempts, window_ends_at_ms FROM login_attempts WHERE subject = ?",
                                   (subject,)).fetchone()
            return LoginAttempts(row[0], row[1])

    def clear_login_attempts(self, subject: str) -> None:
        with self._lock, self._tx():
            self._db.execute("DELETE FROM login_attempts WHERE subject = ?", (subject,))

    # -- wallet nonces and invites -----------------------------------------------------------------------------
    def add_nonce(self, nonce: str, expires_at_ms: int) -> None:
        with self._lock, self._tx():
            self._db.execute("DELETE FROM siwe_nonces WHERE expires_at_ms < ?", (expires_at_ms - 86_400_000,))
            self._db.execute("INSERT INTO siwe_nonces (nonce, expires_at_ms) VALUES (?, ?)", (nonce, expires_at_ms))

    def consume_nonce(self, nonce: str, now_ms: int) -> bool:
        with self._lock, self._tx():
            cur = self._db.execute("UPDATE siwe_nonces SET used_at_ms = ? WHERE nonce = ? AND used_at_ms IS NULL"
                                   " AND expires_at_ms > ?", (now_ms, nonce, now_ms))
            return cur.rowcount == 1

    def add_invite(self, code: str, now_ms: int) -> None:
        with self._lock, self._tx():
            self._db.execute("INSERT INTO invites (code, created_at_ms) VALUES (?, ?)", (code, now_ms))

    def redeem_invite(self, code: str, user_id: str, now_ms: int) -> bool:
        with self._lock, self._tx():
            cur = self._db.execute("UPDATE invites SET redeemed_by = ?, redeemed_at_ms = ? WHERE code = ?"
                                   " AND redeemed_by IS NULL", (user_id, now_ms, code))
            if cur.rowcount != 1:
                return False
            self._db.execute("UPDATE users SET invite_status = 'redeemed' WHERE id = ?", (user_id,))
            return True

    # -- API keys ----------------------------------------------------------------------------------------------
    def add_api_key(self, key: ApiKey) -> None:
        with self._lock, self._tx():
            self._db.execute(f"INSERT INTO api_keys ({_KEY_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             (key.id, key.user_id, key.label, ",".join(key.scopes), json.dumps(list(key.ip_allowlist)),
                              key.status, key.generation, key.created_at_ms, key.expires_at_ms, key.rotated_at_ms))

    def api_key(self, key_id: str) -> ApiKey | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_KEY_COLS} FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        return _key(row) if row else None

    def api_keys(self, user_id: str, limit: int, before_id: str | None) -> list[ApiKey]:
        sql, args = f"SELECT {_KEY_COLS} FROM api_keys WHERE user_id = ?", [user_id]
        if before_id:
            sql += " AND id < ?"
            args.append(before_id)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [_key(r) for r in rows]

    def count_api_keys(self, user_id: str) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM api_keys WHERE user_id = ?", (user_id,)).fetchone()[0]

    def replace_api_key(self, key: ApiKey) -> None:
        with self._lock, self._tx():
            self._db.execute(
                "UPDATE api_keys SET label = ?, scopes = ?, ip_allowlist = ?, status = ?, generation = ?,"
                " expires_at_ms = ?, rotated_at_ms = ? WHERE id = ?",
                (key.label, ",".join(key.scopes), json.dumps(list(key.ip_allowlist)), key.status, key.generation,
                 key.expires_at_ms, key.rotated_at_ms, key.id))

    def delete_api_keys(self, user_id: str, key_id: str | None = None) -> int:
        with self._lock, self._tx():
            if key_id is None:
                return self._db.execute("DELETE FROM api_keys WHERE user_id = ?", (user_id,)).rowcount
            return self._db.execute("DELETE FROM api_keys WHERE user_id = ? AND id = ?", (user_id, key_id)).rowcount

    # -- listen keys (stored by SHA-256 hash only) ---------------------------------------------------------------
    def add_listen_key(self, key_hash: str, user_id: str, now_ms: int, expires_at_ms: int, limit: int) -> None:
        """Store a new listen key; expired rows are dropped first, and the user's oldest live keys beyond
        `limit - 1` are evicted so that, with this one, the user holds at most `limit` — all in one transaction."""
        with self._lock, self._tx():
            self._db.execute("DELETE FROM listen_keys WHERE expires_at_ms <= ?", (now_ms,))
            self._db.execute(
                "DELETE FROM listen_keys WHERE key_hash IN (SELECT key_hash FROM listen_keys WHERE user_id = ?"
                " ORDER BY created_at_ms DESC, rowid DESC LIMIT -1 OFFSET ?)", (user_id, limit - 1))
            self._db.execute("INSERT INTO listen_keys (key_hash, user_id, created_at_ms, expires_at_ms)"
                             " VALUES (?, ?, ?, ?)", (key_hash, user_id, now_ms, expires_at_ms))

    def listen_key(self, key_hash: str, now_ms: int) -> ListenKeyOwner | None:
        """(user_id, expires_at_ms) of a live key, or None for an unknown, closed or expired one."""
        with self._lock:
            row = self._db.execute("SELECT user_id, expires_at_ms FROM listen_keys WHERE key_hash = ?"
                                   " AND expires_at_ms > ?", (key_hash, now_ms)).fetchone()
        return ListenKeyOwner(*row) if row else None

    def extend_listen_key(self, key_hash: str, user_id: str, now_ms: int, expires_at_ms: int) -> bool:
        """Set a live key's expiry; False when the key is unknown, expired or another user's."""
        with self._lock, self._tx():
            cur = self._db.execute("UPDATE listen_keys SET expires_at_ms = ? WHERE key_hash = ? AND user_id = ?"
                                   " AND expires_at_ms > ?", (expires_at_ms, key_hash, user_id, now_ms))
            return cur.rowcount == 1

    def delete_listen_key(self, key_hash: str, user_id: str, now_ms: int) -> bool:
        """Delete a live key of `user_id`; False when it is unknown, expired or another user's. Expired rows of
        every user are dropped on the way."""
        with self._lock, self._tx():
            cur = self._db.execute("DELETE FROM listen_keys WHERE key_hash = ? AND user_id = ? AND expires_at_ms > ?",
                                   (key_hash, user_id, now_ms))
            self._db.execute("DELETE FROM listen_keys WHERE expires_at_ms <= ?", (now_ms,))
            return cur.rowcount == 1

    # -- housekeeping ------------------------------------------------------------------------------------------
    def purge_expired_identity(self, now_ms: int) -> Purged:
        """Delete dead sessions (expired or revoked) with their refresh tokens, and expired refresh tokens, nonces
        and listen keys, in one transaction (indexes: migrations/0006_identity_expiry.sql)."""
        dead = "expires_at_ms <= ? OR revoked_at_ms IS NOT NULL"
        with self._lock, self._tx():
            tokens = self._db.execute(
                "DELETE FROM refresh_tokens WHERE expires_at_ms <= ?"
                f" OR session_id IN (SELECT id FROM sessions WHERE {dead})", (now_ms, now_ms)).rowcount
            sessions = self._db.execute(f"DELETE FROM sessions WHERE {dead}", (now_ms,)).rowcount
            nonces = self._db.execute("DELETE FROM siwe_nonces WHERE expires_at_ms <= ?", (now_ms,)).rowcount
            listen = self._db.execute("DELETE FROM listen_keys WHERE expires_at_ms <= ?", (now_ms,)).rowcount
        return Purged(sessions, tokens, nonces, listen)

    # -- idempotency -------------------------------------------------------------------------------------------
    def reserve_idempotency_key(self, account_id: str, key: str, fingerprint: str, now_ms: int,
                                ttl_ms: int, abandon_after_ms: int | None = None) -> IdempotencyRecord | None:
        """Atomically claim (account, key). Returns None when claimed, else the existing record. Records older
        than ttl_ms are forgotten first; an `in_flight` claim older than abandon_after_ms (if given) is taken over."""
        with self._lock, self._tx():
            self._purge_idempotency(now_ms - ttl_ms)
            cur = self._db.execute(
                "INSERT INTO idempotency_keys (account_id, key, fingerprint, state, created_at_ms)"
                " VALUES (?, ?, ?, 'in_flight', ?) ON CONFLICT (account_id, key) DO UPDATE SET"
                " fingerprint = excluded.fingerprint, created_at_ms = excluded.created_at_ms"
                " WHERE idempotency_keys.state = 'in_flight' AND idempotency_keys.created_at_ms <= ?",
                (account_id, key, fingerprint, now_ms, -1 if abandon_after_ms is None else now_ms - abandon_after_ms))
            if cur.rowcount == 1:
                return None
            row = self._db.execute("SELECT fingerprint, state, status, headers, body, result FROM idempotency_keys"
                                   " WHERE account_id = ? AND key = ?", (account_id, key)).fetchone()
            return IdempotencyRecord(*row)

    def complete_idempotency_key(self, account_id: str, key: str, status: int, headers: str, body: bytes) -> None:
        """Store the answer of a key whose answer is not stored yet: still in flight, or `done` with only the result
        the engine stored with its effect (the answer is kept so that a replay is byte for byte the original)."""
        with self._lock, self._tx():
            self._db.execute("UPDATE idempotency_keys SET state = 'done', status = ?, headers = ?, body = ?"
                             " WHERE account_id = ? AND key = ? AND (state = 'in_flight' OR status IS NULL)",
                             (status, headers, body, account_id, key))

    def release_unfinished_idempotency_keys(self) -> int:
        """At start-up: keys still `in_flight` belong to requests a previous process never finished. Their
        operations did not commit (a committed trading command stores its result with its effect), so the keys are
        released and a retry runs afresh. Single-process only: another live process's in-flight keys would be lost."""
        with self._lock, self._tx():
            return self._db.execute("DELETE FROM idempotency_keys WHERE state = 'in_flight'").rowcount

    def idempotency_result(self, account_id: str, key: str) -> bytes | None:
        return self.idempotency_results([(account_id, key)]).get((account_id, key))

    def idempotency_results(self, keys) -> dict[tuple[str, str], bytes]:
        found: dict[tuple[str, str], bytes] = {}
        keys = list(keys)
        with self._lock:
            for i in range(0, len(keys), 400):  # 800 parameters per statement, far below SQLite's limit
                chunk = keys[i:i + 400]
                rows = self._db.execute(
                    "SELECT account_id, key, result FROM idempotency_keys WHERE state = 'done' AND result IS NOT NULL"
                    f" AND (account_id, key) IN (VALUES {', '.join(['(?, ?)'] * len(chunk))})",
                    [part for pair in chunk for part in pair])
                found.update(((r[0], r[1]), r[2]) for r in rows)
        return found

    def release_idempotency_key(self, account_id: str, key: str) -> None:
        with self._lock, self._tx():
            self._db.execute("DELETE FROM idempotency_keys WHERE account_id = ? AND key = ? AND state = 'in_flight'",
                             (account_id, key))

    def purge_expired_idempotency_keys(self, now_ms: int, ttl_ms: int) -> int:
        with self._lock, self._tx():
            return self._purge_idempotency(now_ms - ttl_ms)

    def _purge_idempotency(self, created_at_or_before_ms: int) -> int:
        return self._db.execute("DELETE FROM idempotency_keys WHERE created_at_ms <= ?",
                                (created_at_or_before_ms,)).rowcount
