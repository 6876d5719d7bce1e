"""Strict JSON for request bodies: parsed once, duplicate keys refused, nesting bounded.

- Not UTF-8 or not JSON (RFC 8259): `400 malformed_body`.
- An object with the same key twice: `400 malformed_body` with `details[0].field` naming the key — JSON leaves
  the meaning open, and two readers of one body must never disagree (`{"side": "buy", …, "side": "sell"}`).
- Nested deeper than `MAX_DEPTH` arrays/objects: `400 malformed_body`, never a 500 (Python's parser raises
  RecursionError near a thousand levels; no body the spec describes goes deeper than four).
The parse is the standard library's C scanner with a pairs hook (one pass; the hook only compares lengths), and
the depth is measured only when the body holds more brackets than the bound allows, so a usual body pays nothing.
"""

from __future__ import annotations

import json

from impl.errors import ApiError

MAX_DEPTH = 32


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _object(pairs: list) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return obj


def _constant(name: str):
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)


def loads(raw: bytes):
    """The parsed body, or ApiError with the catalogued code of what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError("malformed_body", "The request body is not valid UTF-8.") from None
    if text.startswith("\ufeff"):
        raise ApiError("malformed_body", "The request body starts with a byte order mark; send plain UTF-8 JSON.")
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _too_deep(text):
        raise _depth_error()
    try:
        return _DECODER.decode(text)
    except _Duplicate as dup:
        raise ApiError("malformed_body", f"The key {dup.key!r} appears twice in one object; send each key once.",
                       details=[{"field": dup.key, "reason": "duplicate key"}]) from None
    except RecursionError:
        raise _depth_error() from None
    except ValueError as exc:
        raise ApiError("malformed_body", f"The request body is not well-formed JSON: {exc}.") from None


def _depth_error() -> ApiError:
    return ApiError("malformed_body", f"The request body nests arrays and objects deeper than {MAX_DEPTH} levels.")


def _too_deep(text: str) -> bool:
    """Whether brackets outside strings nest deeper than MAX_DEPTH (only called when there are more than that)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif ch in "]}":
            depth -= 1
    return False
