"""API-key secrets are derived, never stored; sub-keys for other purposes; the master key file.

Choice: ``secret = base64url-nopad(HMAC-SHA256(master_key, "api-key:{key_id}:{generation}"))`` (43 chars).
Why: the server must know a key's secret to check its HMAC request signatures, so a stored hash (as for
passwords) cannot work, and a stored secret (even encrypted next to its key) is a database leak away from
every account. Derivation keeps nothing secret in the database at all — only the key id and a generation
counter — and the secret is recomputed per request (one HMAC). Rotating one key = bump its generation
(the old secret stops verifying at once). HMAC-SHA256 is a PRF, so secrets of different (key id, generation)
pairs are independent, and ``derive_subkey`` (prefix ``subkey:``) can never produce an API-key secret.

Known limits: everything hangs on the master key. Rotating or losing it invalidates every API key (all
integrators must be issued new secrets), and anyone who reads it can compute every secret — keep it out of
the database and backups, readable only by the server (the file is created 0600 and refused if group or
others can read it). Not a KMS: the key sits in process memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import stat
import tempfile

MASTER_KEY_BYTES = 32
_HEX_KEY = re.compile(rf"[0-9a-fA-F]{{{2 * MASTER_KEY_BYTES}}}", re.ASCII)


def _check_master(master_key: bytes) -> None:
    if len(master_key) < MASTER_KEY_BYTES:
        raise ValueError(f"master key must be at least {MASTER_KEY_BYTES} bytes")


def derive_secret(master_key: bytes, key_id: str, generation: int) -> str:
    """The API secret of (key_id, generation): 43 characters of base64url without padding."""
    _check_master(master_key)
    if type(generation) is not int or generation < 0:
        raise ValueError("generation must be a non-negative integer")
    mac = hmac.new(master_key, f"api-key:{key_id}:{generation}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def derive_subkey(master_key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose (e.g. "jwt-signing"), independent of API secrets and other purposes."""
    _check_master(master_key)
    return hmac.new(master_key, b"subkey:" + purpose.encode("utf-8"), hashlib.sha256).digest()


def load_or_create_master_key(path: str) -> bytes:
    """Read the 32-byte key stored as hex in ``path``; create it (mode 0600, atomically) if missing.

    Raises ValueError with the path when the file is malformed or readable by group/others.
    """
    try:
        return _read_master_key(path)
    except FileNotFoundError:
        pass
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)  # e.g. var/ of a fresh checkout when the database is a URL
    fd, tmp = tempfile.mkstemp(prefix=".master-key-", dir=directory)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w") as f:
            f.write(os.urandom(MASTER_KEY_BYTES).hex() + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic and never overwrites: a concurrent creator's key wins
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return _read_master_key(path)


def _read_master_key(path: str) -> bytes:
    with open(path, encoding="ascii", errors="replace") as f:
        mode = os.fstat(f.fileno()).st_mode
        text = f.read(4096).strip()
    if stat.S_IMODE(mode) & 0o077:
        raise ValueError(f"master key file {path} is accessible by group or others (chmod 600 it)")
    if not _HEX_KEY.fullmatch(text):
        raise ValueError(f"master key file {path} is malformed: expected {2 * MASTER_KEY_BYTES} hex characters")
    return bytes.fromhex(text)
