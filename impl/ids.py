"""Prefixed, time-sortable identifiers: `{prefix}_{ULID}` (e.g. `req_01HXY9GA2T8K4M6N7P8Q9R0S1T`).

A ULID is 48 bits of milliseconds since the epoch followed by 80 random bits, written as 26 characters of
Crockford base32. Invariant: identifiers made by one process are strictly increasing (as strings) even within
the same millisecond — the random part is incremented instead of redrawn — so sorting by id sorts by creation.
"""

from __future__ import annotations

import os
import random
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [_ALPHABET[i >> 5] + _ALPHABET[i & 31] for i in range(1024)]  # 10 bits -> 2 digits
# Ids are unique and time-sortable, not secret: a seeded generator, not a system call per millisecond (a call that
# releases the GIL, which in the engine's thread costs a wait to get it back).
_random = random.Random(os.urandom(32))
_lock = threading.Lock()
_last_ms = -1
_last_rand = 0
_prefix = ""  # the encoded milliseconds of _last_ms
_high, _high_text = -1, ""  # the top 50 random bits and their encoding, reused while only the low 30 change


def _encode(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def ulid(now_ms: int | None = None) -> str:
    """A new ULID, monotonic within this process. The engine makes several per order, so the encoding of the
    time and of the high random bits is kept between calls; only the low 30 bits are written each time."""
    global _last_ms, _last_rand, _prefix, _high, _high_text
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        if ms <= _last_ms:
            _last_rand = (_last_rand + 1) & ((1 << 80) - 1)
        else:
            _last_ms, _prefix = ms, _encode(ms, 10)
            _last_rand = _random.getrandbits(79)  # headroom for increments
        rand = _last_rand
        if rand >> 30 != _high:
            _high = rand >> 30
            _high_text = _encode(_high, 10)
        low = rand & 0x3FFFFFFF
        return _prefix + _high_text + _PAIRS[low >> 20] + _PAIRS[(low >> 10) & 1023] + _PAIRS[low & 1023]


def new_id(prefix: str) -> str:
    return f"{prefix}_{ulid()}"
