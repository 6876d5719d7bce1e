"""Password hashing with argon2id (argon2-cffi).

Parameters (``DEFAULT_HASHER``): argon2id, memory 19 MiB (19456 KiB), 2 passes, 1 lane, 16-byte salt,
32-byte tag — the OWASP Password Storage Cheat Sheet minimum for argon2id. Chosen for an API server rather
than RFC 9106's 64 MiB / 4 lanes: a login costs ~30 ms of one core and 19 MiB, so N concurrent logins cost
N x 19 MiB, which a rate-limited login endpoint can afford. Raise the cost when the hardware allows;
``needs_rehash`` then tells the login path to re-hash on the next successful login.

Invariants: the stored string is the self-describing PHC form (``$argon2id$v=19$m=…,t=…,p=…$salt$tag``),
so old hashes keep verifying after the parameters change; each hash has a fresh random salt; comparison is
constant-time inside argon2. ``verify_password`` never raises: a wrong password and an unreadable stored
hash are both ``False``.

Known limits: the cost is per call and CPU-bound — call it off the event loop (a thread) in async code.
``dummy_verify`` lets a login for an unknown account spend the same time as a real one (no user enumeration
by timing); it must be called with the same hasher as real verifications.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

DEFAULT_HASHER = PasswordHasher(
    time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)


def hash_password(pw: str, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    """The PHC string to store for ``pw``."""
    return hasher.hash(pw)


def verify_password(stored: str, pw: str, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    """True when ``pw`` matches ``stored``; False for a mismatch or a stored value that is not an argon2 hash."""
    try:
        return hasher.verify(stored, pw)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    """True when ``stored`` was made with other parameters than ``hasher`` (or is unreadable)."""
    try:
        return hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("cooud-dummy-password")


def dummy_verify(pw: str, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    """Spend the cost of one verification and return False (for logins of unknown accounts)."""
    verify_password(_dummy_hash(hasher), pw, hasher)
    return False
