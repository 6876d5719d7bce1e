"""Grants of long-lived connections (impl/domain/identity.py) over the in-memory store: `grant_valid` answers
whether the credential would still authenticate the connection, and every change that can end a grant is
announced, after the store has it, naming the grants it ended. No I/O, no clock: time is passed in."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from impl.domain.identity import (
    LISTEN_KEY_LIMIT,
    LISTEN_KEY_TTL_MS,
    REFRESH_TTL_MS,
    CredentialsChanged,
    Identity,
    SiweConfig,
)
from impl.security import AuthError, signing
from impl.store.memory import MemoryStore

T0 = 1_800_000_000_000
NET = "203.0.113.0/24"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def world():
    store = MemoryStore()
    identity = Identity(store, b"k" * 32, siwe_config=SiweConfig("x", "http://x", 1), invite_gating=False,
                        password_hasher=CHEAP)
    heard: list[CredentialsChanged] = []

    def listener(event: CredentialsChanged) -> None:
        # Announced after the store committed: what the event says has ended is already invalid in the store.
        for grant_id in event.ended:
            assert all(not identity.grant_valid(g, T0) for g in grants if g.id == grant_id), grant_id
        heard.append(event)

    grants: list = []
    identity.listeners.append(listener)
    user = identity.create_user("g@example.com", "pw", T0)
    return identity, store, user, heard, grants


def key_grant(identity, key, secret, ip="203.0.113.9", now=T0):
    ts = str(now // 1000)
    principal = identity.authenticate_key(key.id, ts, signing.sign(secret, ts, "GET", "/v1/ws", b""), "GET",
                                          b"/v1/ws", b"", ip, now)
    return identity.grant(principal, client_ip=ip)


def test_an_api_key_grant_ends_with_deletion_rotation_disabling_scope_allowlist_and_expiry(world):
    identity, store, user, heard, grants = world
    key, secret = identity.create_api_key(user.id, "bot", ["read"], ["203.0.113.0/24"], 30, T0)
    grant = key_grant(identity, key, secret)
    grants.append(grant)
    assert identity.grant_valid(grant, T0)
    assert not identity.grant_valid(grant, key.expires_at_ms)  # expired

    identity.update_api_key(user.id, key.id, {"ip_allowlist": ["198.51.100.0/24"]})  # moved out of the allowlist
    assert not identity.grant_valid(grant, T0)
    assert heard[-1] == CredentialsChanged(user.id, ())  # not ended for everyone: a re-check of the user's grants
    identity.update_api_key(user.id, key.id, {"ip_allowlist": []})
    assert identity.grant_valid(grant, T0)

    identity.update_api_key(user.id, key.id, {"scopes": ["trade"]})  # no read
    assert not identity.grant_valid(grant, T0) and heard[-1].ended == (grant.id,)
    identity.update_api_key(user.id, key.id, {"scopes": ["read"], "status": "disabled"})
    assert not identity.grant_valid(grant, T0) and heard[-1].ended == (grant.id,)
    identity.update_api_key(user.id, key.id, {"status": "enabled"})
    assert identity.grant_valid(grant, T0)

    rotated, new_secret = identity.rotate_api_key(user.id, key.id, T0)
    assert not identity.grant_valid(grant, T0) and heard[-1].ended == (grant.id,)  # the old secret no longer signs
    new_grant = key_grant(identity, rotated, new_secret, now=T0 + 1000)
    grants.append(new_grant)
    assert new_grant.id != grant.id and identity.grant_valid(new_grant, T0)

    identity.delete_api_key(user.id, key.id)
    assert not identity.grant_valid(new_grant, T0) and heard[-1].ended == (new_grant.id,)


def test_deleting_all_keys_ends_every_key_grant_of_the_user_only(world):
    identity, store, user, heard, grants = world
    other = identity.create_user("o@example.com", "pw", T0)
    mine = [key_grant(identity, *identity.create_api_key(user.id, f"k{i}", ["read"], [], 30, T0)) for i in range(3)]
    theirs = key_grant(identity, *identity.create_api_key(other.id, "k", ["read"], [], 30, T0))
    grants.extend(mine + [theirs])
    identity.delete_all_api_keys(user.id)
    assert sorted(heard[-1].ended) == sorted(g.id for g in mine) and heard[-1].user_id == user.id
    assert not any(identity.grant_valid(g, T0) for g in mine) and identity.grant_valid(theirs, T0)


def test_a_session_grant_ends_with_logout_refresh_reuse_and_expiry(world):
    identity, store, user, heard, grants = world
    issued = identity.login("g@example.com", "pw", None, NET, T0)
    principal = identity.authenticate_bearer(issued.access_token, NET, T0)
    grant = identity.grant(principal)
    grants.append(grant)
    assert identity.grant_valid(grant, T0) and not identity.grant_valid(grant, T0 + REFRESH_TTL_MS)
    identity.logout(principal, T0)
    assert not identity.grant_valid(grant, T0) and heard[-1] == CredentialsChanged(user.id, (grant.id,))

    second = identity.login("g@example.com", "pw", None, NET, T0)
    grant2 = identity.grant(identity.authenticate_bearer(second.access_token, NET, T0))
    grants.append(grant2)
    identity.refresh(second.refresh_token, NET, T0 + 1)
    with pytest.raises(AuthError):
        identity.refresh(second.refresh_token, NET, T0 + 2)  # reuse: the whole session is revoked
    assert not identity.grant_valid(grant2, T0) and heard[-1].ended == (grant2.id,)


def test_a_listen_key_grant_ends_when_closed_evicted_or_expired(world):
    identity, store, user, heard, grants = world
    key, _ = identity.create_listen_key(user.id, T0)
    grant = identity.grant(identity.authenticate_listen_key(key, T0), listen_key=key)
    grants.append(grant)
    assert identity.grant_valid(grant, T0) and not identity.grant_valid(grant, T0 + LISTEN_KEY_TTL_MS)
    identity.close_listen_key(user.id, key, T0)
    assert not identity.grant_valid(grant, T0) and heard[-1].ended == (grant.id,)

    oldest, _ = identity.create_listen_key(user.id, T0)
    first = identity.grant(identity.authenticate_listen_key(oldest, T0), listen_key=oldest)
    for i in range(LISTEN_KEY_LIMIT):
        identity.create_listen_key(user.id, T0 + 1 + i)
        assert heard[-1] == CredentialsChanged(user.id, ())  # an eviction is possible: re-check the user's grants
    assert not identity.grant_valid(first, T0 + 100)  # evicted by the eleventh


def test_a_failing_listener_does_not_fail_the_revocation(world):
    identity, store, user, heard, grants = world

    def broken(event):
        raise RuntimeError("listener bug")

    identity.listeners.insert(0, broken)
    key, _ = identity.create_api_key(user.id, "bot", ["read"], [], 30, T0)
    identity.delete_api_key(user.id, key.id)  # does not raise
    assert store.api_key(key.id) is None and heard[-1].ended  # later listeners still heard it


def test_purge_expired_goes_through_the_store(world):
    identity, store, user, heard, grants = world
    identity.create_listen_key(user.id, T0)
    identity.login("g@example.com", "pw", None, NET, T0)
    assert tuple(identity.purge_expired(T0 + 1)) == (0, 0, 0, 0)
    assert tuple(identity.purge_expired(T0 + REFRESH_TTL_MS)) == (1, 1, 0, 1)
