"""Password hashing: argon2id round trip, salts, rehash detection, never-raising verify."""

from __future__ import annotations

from argon2 import PasswordHasher

from impl.security.passwords import DEFAULT_HASHER, dummy_verify, hash_password, needs_rehash, verify_password

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # keeps the tests fast


def test_verify_right_and_wrong_password():
    stored = hash_password("correct horse battery staple", CHEAP)
    assert verify_password(stored, "correct horse battery staple", CHEAP)
    assert not verify_password(stored, "correct horse battery stapler", CHEAP)
    assert not verify_password(stored, "", CHEAP)


def test_same_password_gets_different_salts():
    a, b = hash_password("pw", CHEAP), hash_password("pw", CHEAP)
    assert a != b
    assert verify_password(a, "pw", CHEAP) and verify_password(b, "pw", CHEAP)


def test_default_parameters_are_argon2id_19mib_2_passes_1_lane():
    stored = hash_password("pw")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored, "pw") and not verify_password(stored, "pW")
    assert not needs_rehash(stored)


def test_needs_rehash_when_parameters_change():
    assert needs_rehash(hash_password("pw", CHEAP), DEFAULT_HASHER)
    assert not needs_rehash(hash_password("pw", CHEAP), CHEAP)
    assert needs_rehash("not a hash")


def test_unreadable_stored_value_is_false_not_an_exception():
    for stored in ("", "plaintext", "$argon2id$v=19$m=8,t=1,p=1$broken", "$2b$12$abcdefghijklmnopqrstuv"):
        assert verify_password(stored, "pw", CHEAP) is False


def test_non_ascii_password():
    stored = hash_password("pässwörd 🔑", CHEAP)
    assert verify_password(stored, "pässwörd 🔑", CHEAP)
    assert not verify_password(stored, "passwort 🔑", CHEAP)


def test_dummy_verify_is_always_false():
    assert dummy_verify("cooud-dummy-password", CHEAP) is False
    assert dummy_verify("anything", CHEAP) is False
