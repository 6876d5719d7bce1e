"""Derived API-key secrets, sub-keys and the master key file."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat

import pytest

from impl.security.secrets import derive_secret, derive_subkey, load_or_create_master_key

MASTER = bytes(range(32))


def test_derive_secret_known_answer_and_shape():
    expected = base64.urlsafe_b64encode(hmac.new(MASTER, b"api-key:key_1:0", hashlib.sha256).digest()).rstrip(b"=")
    secret = derive_secret(MASTER, "key_1", 0)
    assert secret == expected.decode() and len(secret) == 43 and "=" not in secret
    assert set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_deterministic_and_distinct():
    assert derive_secret(MASTER, "key_1", 0) == derive_secret(MASTER, "key_1", 0)
    secrets = {derive_secret(MASTER, k, g) for k in ("key_1", "key_2", "key_1:1") for g in (0, 1, 2)}
    assert len(secrets) == 9
    assert derive_secret(bytes(32), "key_1", 0) != derive_secret(MASTER, "key_1", 0)


def test_subkeys_are_separate_from_each_other_and_from_api_secrets():
    jwt_key = derive_subkey(MASTER, "jwt-signing")
    assert len(jwt_key) == 32 and jwt_key == derive_subkey(MASTER, "jwt-signing")
    assert jwt_key != derive_subkey(MASTER, "session-cookie")
    assert jwt_key == hmac.new(MASTER, b"subkey:jwt-signing", hashlib.sha256).digest()
    assert base64.urlsafe_b64encode(derive_subkey(MASTER, "api-key:key_1:0")).rstrip(b"=").decode() != (
        derive_secret(MASTER, "key_1", 0))


@pytest.mark.parametrize("gen", [-1, 1.0, "1", True])
def test_generation_must_be_a_non_negative_int(gen):
    with pytest.raises(ValueError):
        derive_secret(MASTER, "key_1", gen)


def test_short_master_key_is_refused():
    with pytest.raises(ValueError):
        derive_secret(b"short", "key_1", 0)
    with pytest.raises(ValueError):
        derive_subkey(b"short", "jwt")


def test_master_key_file_created_0600_and_reread(tmp_path):
    path = tmp_path / "master.key"
    key = load_or_create_master_key(str(path))
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == key.hex() + "\n"
    assert load_or_create_master_key(str(path)) == key
    assert [p.name for p in tmp_path.iterdir()] == ["master.key"]  # no temporary file left behind
    assert load_or_create_master_key(str(tmp_path / "other.key")) != key


@pytest.mark.parametrize("content", ["", "zz" * 32, "ab" * 31, "ab" * 33, "ab" * 16 + " " + "ab" * 16])
def test_malformed_master_key_file(tmp_path, content):
    path = tmp_path / "master.key"
    path.write_text(content)
    os.chmod(path, 0o600)
    with pytest.raises(ValueError, match="malformed") as exc:
        load_or_create_master_key(str(path))
    assert str(path) in str(exc.value)


def test_group_readable_master_key_file_is_refused(tmp_path):
    path = tmp_path / "master.key"
    path.write_text("ab" * 32)
    os.chmod(path, 0o640)
    with pytest.raises(ValueError, match="chmod 600"):
        load_or_create_master_key(str(path))
    os.chmod(path, 0o600)
    assert load_or_create_master_key(str(path)) == bytes.fromhex("ab" * 32)
