"""PostgreSQL tables of identity and access (mixed into PostgresStore): users, sessions, refresh tokens, wallet
nonces, invites, API keys, listen keys, sign-in attempts and idempotency records — the behaviour of
impl/store/identity.py (SQLite), with PostgreSQL's own concurrency instead of a process-wide lock.

Invariants: each method is one transaction. Single-use things are claimed by one statement whose row lock decides
the one winner among concurrent callers: a conditional UPDATE (nonces, invites, TOTP steps), SELECT … FOR UPDATE
(refresh-token rotation), INSERT … ON CONFLICT (idempotency reservations, sign-in attempt counts: the conflicting
row is locked and the DO UPDATE re-checked on its newest version). The per-user listen-key cap locks the user's row
first, so concurrent additions for one user evict in turn. Dead rows swept on the way (expired idempotency records,
nonces, listen keys, ended sign-in windows) skip rows another transaction holds, so sweeps never deadlock. Secrets
never reach these tables in the clear.
"""

from __future__ import annotations

import json

import psycopg

from impl.domain.identity_model import ApiKey, Session, User
from impl.domain.ports import AlreadyExists
from impl.domain.records import IdempotencyRecord, ListenKeyOwner, LoginAttempts, Purged, RefreshRotation

_USER_COLS = ("id, email, password_hash, wallet_address, totp_sealed, totp_pending, totp_last_step, invite_status,"
              " fee_tier, created_at_ms")
_KEY_COLS = ("id, user_id, label, scopes, ip_allowlist, status, generation, created_at_ms, expires_at_ms,"
             " rotated_at_ms")
_SESSION_COLS = "id, user_id, kind, network, created_at_ms, expires_at_ms, revoked_at_ms"
_IDEMPOTENCY_COLS = "fingerprint, state, status, headers, body, result"


def _sweep(table: str, key: str, dead: str) -> str:
    """Delete the dead rows of `table` on the way, skipping those another transaction holds (it deletes or updates
    them itself): concurrent sweeps never wait on, or deadlock with, each other."""
    return f"DELETE FROM {table} WHERE ({key}) IN (SELECT {key} FROM {table} WHERE {dead} FOR UPDATE SKIP LOCKED)"


def _key(row) -> ApiKey:
    return ApiKey(row[0], row[1], row[2], tuple(filter(None, row[3].split(","))), tuple(json.loads(row[4])), *row[5:])


class IdentityTables:
    """Requires `self._conn()`, `self._one()`, `self._all()` and `self._count()` of PostgresStore."""

    # -- users ------------------------------------------------------------------------------------------------
    def add_user(self, user: User) -> None:
        try:
            self._count(f"INSERT INTO users ({_USER_COLS}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                        (user.id, user.email, user.password_hash, user.wallet_address, user.totp_sealed,
                         user.totp_pending, user.totp_last_step, user.invite_status, user.fee_tier,
                         user.created_at_ms))
        except psycopg.errors.UniqueViolation as e:
            raise AlreadyExists("A user with this id, email or wallet address already exists.") from e

    def user_by(self, column: str, value: str) -> User | None:
        assert column in ("id", "email", "wallet_address")
        row = self._one(f"SELECT {_USER_COLS} FROM users WHERE {column} = %s", (value,))
        return User(*row) if row else None

    def update_user(self, user_id: str, **fields) -> None:
        allowed = {"totp_sealed", "totp_pending", "totp_last_step", "invite_status", "password_hash"}
        assert fields and set(fields) <= allowed
        sets = ", ".join(f"{k} = %s" for k in fields)
        self._count(f"UPDATE users SET {sets} WHERE id = %s", (*fields.values(), user_id))

    def advance_totp_step(self, user_id: str, step: int) -> bool:
        return self._count("UPDATE users SET totp_last_step = %s WHERE id = %s"
                           " AND (totp_last_step IS NULL OR totp_last_step < %s)", (step, user_id, step)) == 1

    # -- sessions and refresh tokens ---------------------------------------------------------------------------
    def add_session(self, session: Session, cookie_hash: str | None = None) -> None:
        self._count("INSERT INTO sessions (id, user_id, kind, network, cookie_hash, created_at_ms, expires_at_ms,"
                    " revoked_at_ms) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                    (session.id, session.user_id, session.kind, session.network, cookie_hash, session.created_at_ms,
                     session.expires_at_ms, session.revoked_at_ms))

    def session(self, session_id: str) -> Session | None:
        row = self._one(f"SELECT {_SESSION_COLS} FROM sessions WHERE id = %s", (session_id,))
        return Session(*row) if row else None

    def session_by_cookie(self, cookie_hash: str) -> Session | None:
        row = self._one(f"SELECT {_SESSION_COLS} FROM sessions WHERE cookie_hash = %s", (cookie_hash,))
        return Session(*row) if row else None

    def revoke_session(self, session_id: str, now_ms: int) -> None:
        self._count("UPDATE sessions SET revoked_at_ms = %s WHERE id = %s AND revoked_at_ms IS NULL",
                    (now_ms, session_id))

    def add_refresh_token(self, token_hash: str, session_id: str, now_ms: int, expires_at_ms: int) -> None:
        self._count("INSERT INTO refresh_tokens (token_hash, session_id, issued_at_ms, expires_at_ms)"
                    " VALUES (%s,%s,%s,%s)", (token_hash, session_id, now_ms, expires_at_ms))

    def rotate_refresh_token(self, token_hash: str, now_ms: int) -> RefreshRotation | None:
        """"rotated" for the one call that rotates the token (its row locked meanwhile), "reused" after it."""
        with self._conn() as conn:
            row = conn.execute("SELECT session_id, expires_at_ms, rotated_at_ms FROM refresh_tokens"
                               " WHERE token_hash = %s FOR UPDATE", (token_hash,)).fetchone()
            if row is None or row[1] <= now_ms:
                return None
            if row[2] is not None:
                return RefreshRotation(row[0], "reused")
            conn.execute("UPDATE refresh_tokens SET rotated_at_ms = %s WHERE token_hash = %s", (now_ms, token_hash))
            return RefreshRotation(row[0], "rotated")

    # -- sign-in attempts ---------------------------------------------------------------------------------------
    def count_login_attempt(self, subject: str, now_ms: int, window_ms: int) -> LoginAttempts:
        """One upsert: a row whose window ended (and was not yet deleted) starts a new window."""
        with self._conn() as conn:
            conn.execute(_sweep("login_attempts", "subject", "window_ends_at_ms <= %s"), (now_ms,))
            row = conn.execute(
                "INSERT INTO login_attempts AS a (subject, attempts, window_ends_at_ms) VALUES (%s, 1, %s)"
                " ON CONFLICT (subject) DO UPDATE SET"
                " attempts = CASE WHEN a.window_ends_at_ms <= %s THEN 1 ELSE a.attempts + 1 END,"
                " window_ends_at_ms = CASE WHEN a.window_ends_at_ms <= %s THEN excluded.window_ends_at_ms"
                " ELSE a.window_ends_at_ms END RETURNING attempts, window_ends_at_ms",
                (subject, now_ms + window_ms, now_ms, now_ms)).fetchone()
            return LoginAttempts(row[0], row[1])

    def clear_login_attempts(self, subject: str) -> None:
        self._count("DELETE FROM login_attempts WHERE subject = %s", (subject,))

    # -- wallet nonces and invites -----------------------------------------------------------------------------
    def add_nonce(self, nonce: str, expires_at_ms: int) -> None:
        with self._conn() as conn:
            conn.execute(_sweep("siwe_nonces", "nonce", "expires_at_ms < %s"), (expires_at_ms - 86_400_000,))
            conn.execute("INSERT INTO siwe_nonces (nonce, expires_at_ms) VALUES (%s, %s)", (nonce, expires_at_ms))

    def consume_nonce(self, nonce: str, now_ms: int) -> bool:
        return self._count("UPDATE siwe_nonces SET used_at_ms = %s WHERE nonce = %s AND used_at_ms IS NULL"
                           " AND expires_at_ms > %s", (now_ms, nonce, now_ms)) == 1

    def add_invite(self, code: str, now_ms: int) -> None:
        self._count("INSERT INTO invites (code, created_at_ms) VALUES (%s, %s)", (code, now_ms))

    def redeem_invite(self, code: str, user_id: str, now_ms: int) -> bool:
        with self._conn() as conn:
            if conn.execute("UPDATE invites SET redeemed_by = %s, redeemed_at_ms = %s WHERE code = %s"
                            " AND redeemed_by IS NULL", (user_id, now_ms, code)).rowcount != 1:
                return False
            conn.execute("UPDATE users SET invite_status = 'redeemed' WHERE id = %s", (user_id,))
            return True

    # -- API keys ----------------------------------------------------------------------------------------------
    def add_api_key(self, key: ApiKey) -> None:
        self._count(f"INSERT INTO api_keys ({_KEY_COLS}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    (key.id, key.user_id, key.label, ",".join(key.scopes), json.dumps(list(key.ip_allowlist)),
                     key.status, key.generation, key.created_at_ms, key.expires_at_ms, key.rotated_at_ms))

    def api_key(self, key_id: str) -> ApiKey | None:
        row = self._one(f"SELECT {_KEY_COLS} FROM api_keys WHERE id = %s", (key_id,))
        return _key(row) if row else None

    def api_keys(self, user_id: str, limit: int, before_id: str | None) -> list[ApiKey]:
        sql, args = f"SELECT {_KEY_COLS} FROM api_keys WHERE user_id = %s", [user_id]
        if before_id:
            sql += " AND id < %s"
            args.append(before_id)
        return [_key(r) for r in self._all(sql + " ORDER BY id DESC LIMIT %s", (*args, limit))]

    def count_api_keys(self, user_id: str) -> int:
        return self._one("SELECT COUNT(*) FROM api_keys WHERE user_id = %s", (user_id,))[0]

    def replace_api_key(self, key: ApiKey) -> None:
        self._count("UPDATE api_keys SET label = %s, scopes = %s, ip_allowlist = %s, status = %s, generation = %s,"
                    " expires_at_ms = %s, rotated_at_ms = %s WHERE id = %s",
                    (key.label, ",".join(key.scopes), json.dumps(list(key.ip_allowlist)), key.status, key.generation,
                     key.expires_at_ms, key.rotated_at_ms, key.id))

    def delete_api_keys(self, user_id: str, key_id: str | None = None) -> int:
        if key_id is None:
            return self._count("DELETE FROM api_keys WHERE user_id = %s", (user_id,))
        return self._count("DELETE FROM api_keys WHERE user_id = %s AND id = %s", (user_id, key_id))

    # -- listen keys (stored by SHA-256 hash only) ---------------------------------------------------------------
    def add_listen_key(self, key_hash: str, user_id: str, now_ms: int, expires_at_ms: int, limit: int) -> None:
        """Store a key, dropping expired ones and evicting the user's oldest beyond `limit - 1` (by creation, then
        insertion: `seq`), in one transaction that holds the user's row lock."""
        with self._conn() as conn:
            conn.execute("SELECT 1 FROM users WHERE id = %s FOR UPDATE", (user_id,))
            conn.execute(_sweep("listen_keys", "key_hash", "expires_at_ms <= %s"), (now_ms,))
            conn.execute("DELETE FROM listen_keys WHERE key_hash IN (SELECT key_hash FROM listen_keys"
                         " WHERE user_id = %s ORDER BY created_at_ms DESC, seq DESC OFFSET %s)",
                         (user_id, max(limit - 1, 0)))
            conn.execute("INSERT INTO listen_keys (key_hash, user_id, created_at_ms, expires_at_ms)"
                         " VALUES (%s, %s, %s, %s)", (key_hash, user_id, now_ms, expires_at_ms))

    def listen_key(self, key_hash: str, now_ms: int) -> ListenKeyOwner | None:
        row = self._one("SELECT user_id, expires_at_ms FROM listen_keys WHERE key_hash = %s AND expires_at_ms > %s",
                        (key_hash, now_ms))
        return ListenKeyOwner(*row) if row else None

    def extend_listen_key(self, key_hash: str, user_id: str, now_ms: int, expires_at_ms: int) -> bool:
        return self._count("UPDATE listen_keys SET expires_at_ms = %s WHERE key_hash = %s AND user_id = %s"
                           " AND expires_at_ms > %s", (expires_at_ms, key_hash, user_id, now_ms)) == 1

    def delete_listen_key(self, key_hash: str, user_id: str, now_ms: int) -> bool:
        with self._conn() as conn:
            deleted = conn.execute("DELETE FROM listen_keys WHERE key_hash = %s AND user_id = %s"
                                   " AND expires_at_ms > %s", (key_hash, user_id, now_ms)).rowcount
            conn.execute(_sweep("listen_keys", "key_hash", "expires_at_ms <= %s"), (now_ms,))
            return deleted == 1

    # -- housekeeping ------------------------------------------------------------------------------------------
    def purge_expired_identity(self, now_ms: int) -> Purged:
        dead = "expires_at_ms <= %s OR revoked_at_ms IS NOT NULL"
        with self._conn() as conn:
            tokens = conn.execute("DELETE FROM refresh_tokens WHERE expires_at_ms <= %s OR session_id IN"
                                  f" (SELECT id FROM sessions WHERE {dead})", (now_ms, now_ms)).rowcount
            sessions = conn.execute(f"DELETE FROM sessions WHERE {dead}", (now_ms,)).rowcount
            nonces = conn.execute("DELETE FROM siwe_nonces WHERE expires_at_ms <= %s", (now_ms,)).rowcount
            listen = conn.execute("DELETE FROM listen_keys WHERE expires_at_ms <= %s", (now_ms,)).rowcount
        return Purged(sessions, tokens, nonces, listen)

    # -- idempotency -------------------------------------------------------------------------------------------
    def reserve_idempotency_key(self, account_id: str, key: str, fingerprint: str, now_ms: int, ttl_ms: int,
                                abandon_after_ms: int | None = None) -> IdempotencyRecord | None:
        """Atomically claim (account, key): None for the one caller that inserts it — or, with `abandon_after_ms`,
        takes over an `in_flight` record created at or before now_ms - abandon_after_ms (the conflicting row is
        locked and the condition re-checked on its newest version, so one caller wins) — else the existing record.
        Records created at or before now_ms - ttl_ms are purged first."""
        if abandon_after_ms is None:
            conflict, args = "DO NOTHING", (account_id, key, fingerprint, now_ms)
        else:
            conflict = ("DO UPDATE SET fingerprint = excluded.fingerprint, created_at_ms = excluded.created_at_ms"
                        " WHERE k.state = 'in_flight' AND k.created_at_ms <= %s")
            args = (account_id, key, fingerprint, now_ms, now_ms - abandon_after_ms)
        while True:
            with self._conn() as conn:
                conn.execute(_sweep("idempotency_keys", "account_id, key", "created_at_ms <= %s"), (now_ms - ttl_ms,))
                conn.execute("DELETE FROM idempotency_keys WHERE account_id = %s AND key = %s AND created_at_ms <= %s",
                             (account_id, key, now_ms - ttl_ms))  # this key's own, even if the sweep skipped it
                if conn.execute("INSERT INTO idempotency_keys AS k (account_id, key, fingerprint, state, created_at_ms)"
                                " VALUES (%s, %s, %s, 'in_flight', %s) ON CONFLICT (account_id, key) "
                                + conflict + " RETURNING 1", args).fetchone():
                    return None
                row = conn.execute(f"SELECT {_IDEMPOTENCY_COLS} FROM idempotency_keys WHERE account_id = %s"
                                   " AND key = %s", (account_id, key)).fetchone()
            if row is not None:
                return IdempotencyRecord(*row)
            # released by its holder between our insert and our read: claim it again

    def idempotency_result(self, account_id: str, key: str) -> bytes | None:
        """The engine's stored result of a `done` key; None when the key is absent, in flight or has no result."""
        return self.idempotency_results([(account_id, key)]).get((account_id, key))

    def idempotency_results(self, keys) -> dict[tuple[str, str], bytes]:
        """One statement for any number of pairs (two arrays unnested side by side)."""
        keys = list(keys)
        if not keys:
            return {}
        rows = self._all("SELECT k.account_id, k.key, k.result FROM idempotency_keys k"
                         " JOIN unnest(%s::text[], %s::text[]) AS w(account_id, key)"
                         " ON k.account_id = w.account_id AND k.key = w.key"
                         " WHERE k.state = 'done' AND k.result IS NOT NULL",
                         ([a for a, _ in keys], [k for _, k in keys]))
        return {(r[0], r[1]): bytes(r[2]) for r in rows}

    def complete_idempotency_key(self, account_id: str, key: str, status: int, headers: str, body: bytes) -> None:
        self._count("UPDATE idempotency_keys SET state = 'done', status = %s, headers = %s, body = %s"
                    " WHERE account_id = %s AND key = %s AND (state = 'in_flight' OR status IS NULL)",
                    (status, headers, body, account_id, key))

    def release_unfinished_idempotency_keys(self) -> int:
        """Single-process (embedded) start-up only: another live process's in-flight keys would be lost; scaled
        workers pass `abandon_after_ms` to `reserve_idempotency_key` instead."""
        return self._count("DELETE FROM idempotency_keys WHERE state = 'in_flight'")

    def release_idempotency_key(self, account_id: str, key: str) -> None:
        self._count("DELETE FROM idempotency_keys WHERE account_id = %s AND key = %s AND state = 'in_flight'",
                    (account_id, key))

    def purge_expired_idempotency_keys(self, now_ms: int, ttl_ms: int) -> int:
        return self._count("DELETE FROM idempotency_keys WHERE created_at_ms <= %s", (now_ms - ttl_ms,))
