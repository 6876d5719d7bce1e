"""API-key request signing: the published vectors, tamper sensitivity, skew, format rules, replay guard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from impl.security import AuthError
from impl.security.signing import ReplayGuard, canonical, sign, verify
from tools import make_signing_vectors

VECTORS_FILE = Path(__file__).resolve().parents[3] / "spec" / "signing" / "vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]
SECRET = "Jq3vN7xW0bLk2sYfR8tHcD4mZ1uP6aGe9oIhVnQwXyE"
TS = "1747555200"
NOW = int(TS)


def code_of(fn, *args, **kw) -> str:
    with pytest.raises(AuthError) as exc:
        fn(*args, **kw)
    return exc.value.code


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vectors(v):
    body = v["body"].encode("utf-8")
    assert canonical(v["timestamp"], v["method"], v["path_with_query"], body) == v["canonical"].encode("utf-8")
    assert canonical(v["timestamp"], v["method"], v["path_with_query"].encode("ascii"), body) == v["canonical"].encode()
    assert sign(v["secret"], v["timestamp"], v["method"], v["path_with_query"], body) == v["signature"]
    verify(v["secret"], v["timestamp"], v["signature"], v["method"], v["path_with_query"].encode(), body,
           now_s=int(v["timestamp"]))


def test_vectors_cover_the_required_cases_and_are_up_to_date():
    names = {v["name"] for v in VECTORS}
    assert len(VECTORS) >= 8
    assert {"get_with_query", "post_json_body_non_ascii", "delete_empty_body", "percent_encoded_path_not_decoded",
            "query_with_plus_and_percent20_not_decoded"} <= names
    assert any(any(ord(c) > 127 for c in v["body"]) for v in VECTORS)
    assert make_signing_vectors.main(["--check"]) == 0


def test_known_answer_independent_of_the_vectors():  # openssl dgst -sha256 -hmac <secret>
    assert sign(SECRET, TS, "get", b"/v1/account/balances", b"") == (
        "4a8cc458e01afb6c83e0ad5531211a1a4ebd25ce51906d87320be7e4a7637be6")


PART = st.sampled_from(["timestamp", "method", "path", "query", "body"])


@given(
    ts=st.integers(0, 10**11).map(str),
    method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT"]),
    path=st.binary(min_size=1, max_size=40).map(lambda b: b"/" + b),
    query=st.binary(min_size=1, max_size=40),
    body=st.binary(min_size=1, max_size=80),
    part=PART,
    where=st.integers(0, 10**6),
    delta=st.integers(1, 255),
)
def test_any_single_byte_tamper_changes_the_signature(ts, method, path, query, body, part, where, delta):
    parts = {"timestamp": ts.encode(), "method": method.encode(), "path": path, "query": query, "body": body}
    original = sign(SECRET, ts, method, path + b"?" + query, body)
    target = bytearray(parts[part])
    i = where % len(target)
    if part == "timestamp":
        target[i] = ord("0") + (target[i] - ord("0") + delta % 9 + 1) % 10  # still a decimal number
    elif part == "method":
        target[i] = ord("A") + (target[i] - ord("A") + delta % 25 + 1) % 26  # still upper case
    else:
        target[i] = (target[i] + delta) % 256
    parts[part] = bytes(target)
    t_ts, t_method = parts["timestamp"].decode(), parts["method"].decode()
    tampered = sign(SECRET, t_ts, t_method, parts["path"] + b"?" + parts["query"], parts["body"])
    assert tampered != original
    if t_ts == str(int(t_ts)):  # a leading zero is rejected earlier, as timestamp_skew
        assert code_of(verify, SECRET, t_ts, original, t_method, parts["path"] + b"?" + parts["query"],
                       parts["body"], int(t_ts)) == "invalid_signature"


def test_skew_boundaries():
    sig = sign(SECRET, TS, "GET", "/v1/x", b"")
    for now in (NOW - 30, NOW, NOW + 30):
        verify(SECRET, TS, sig, "GET", "/v1/x", b"", now)
    for now in (NOW - 31, NOW + 31, NOW + 3600):
        assert code_of(verify, SECRET, TS, sig, "GET", "/v1/x", b"", now) == "timestamp_skew"
    assert code_of(verify, SECRET, TS, sig, "GET", "/v1/x", b"", NOW + 11, skew_s=10) == "timestamp_skew"


@pytest.mark.parametrize("ts", ["", "1747555200.5", "+1747555200", "-1", " 1747555200", "1747555200 ", "0x1A",
                                "1.7e9", "01747555200", "１７４７５５５２００", "1747555200000", "abc", None])
def test_timestamp_must_be_plain_unix_seconds(ts):
    sig = sign(SECRET, TS, "GET", "/v1/x", b"")
    assert code_of(verify, SECRET, ts, sig, "GET", "/v1/x", b"", NOW) == "timestamp_skew"


@pytest.mark.parametrize("transform", [str.upper, lambda s: s[:-1], lambda s: s + "0", lambda s: "0x" + s[2:],
                                       lambda s: " " + s[1:], lambda s: "", lambda s: None])
def test_signature_format(transform):
    sig = sign(SECRET, TS, "GET", "/v1/x", b"")
    bad = transform(sig)
    assert bad != sig
    assert code_of(verify, SECRET, TS, bad, "GET", "/v1/x", b"", NOW) == "invalid_signature"


def test_wrong_secret_and_wrong_request():
    sig = sign(SECRET, TS, "POST", "/v1/orders", b"{}")
    assert code_of(verify, SECRET + "x", TS, sig, "POST", "/v1/orders", b"{}", NOW) == "invalid_signature"
    assert code_of(verify, SECRET, TS, sig, "POST", "/v1/orders?", b"{}", NOW) == "invalid_signature"
    assert code_of(verify, SECRET, TS, sig, "POST", "/v1/orders", b"{} ", NOW) == "invalid_signature"
    verify(SECRET, TS, sig, "post", b"/v1/orders", b"{}", NOW)  # the method is compared upper-cased


def test_replay_rejected_then_allowed_after_the_window():
    guard = ReplayGuard()
    guard.check_and_remember("key_a", "s1", NOW)
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW) == "signature_replayed"
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW + 60) == "signature_replayed"
    guard.check_and_remember("key_b", "s1", NOW)  # another key's identical signature is a different request
    guard.check_and_remember("key_a", "s1", NOW + 61)
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW + 61) == "signature_replayed"


def test_replay_guard_memory_is_bounded():
    guard = ReplayGuard(window_s=61, max_entries=100)
    for i in range(100):
        guard.check_and_remember("k", f"s{i}", NOW + i // 10)
    assert len(guard) == 100
    assert code_of(guard.check_and_remember, "k", "new", NOW + 9) == "service_unavailable"
    guard.check_and_remember("k", "new", NOW + 61)  # the first ten expired and were evicted
    assert len(guard) == 91
    guard.check_and_remember("k", "later", NOW + 1000)
    assert len(guard) == 1
    guard.check_and_remember("k", "past", NOW)  # a clock step backwards does not break it
    assert code_of(guard.check_and_remember, "k", "later", NOW) == "signature_replayed"
