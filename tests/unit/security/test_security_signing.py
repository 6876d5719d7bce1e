"""API-key request signing: the published vectors (v1 and v2), tamper sensitivity, skew, format rules, versions
and their sunset, the spec's recipe, replay guard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from impl.security import AuthError, signing
from impl.security.signing import MemoryReplayGuard, canonical, canonical_v2, sign, sign_v2, verify, verify_v2
from tools import make_signing_vectors

ROOT = Path(__file__).resolve().parents[3]
VECTORS_FILE = ROOT / "spec" / "signing" / "vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]
VECTORS_V2 = json.loads((ROOT / "spec" / "signing" / "vectors_v2.json").read_text(encoding="utf-8"))["vectors"]
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
    guard = MemoryReplayGuard()
    guard.check_and_remember("key_a", "s1", NOW)
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW) == "signature_replayed"
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW + 60) == "signature_replayed"
    guard.check_and_remember("key_b", "s1", NOW)  # another key's identical signature is a different request
    guard.check_and_remember("key_a", "s1", NOW + 61)
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW + 61) == "signature_replayed"


def test_replay_guard_memory_is_bounded():
    guard = MemoryReplayGuard(window_s=61, max_entries=100)
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


# -- version 2 -------------------------------------------------------------------------------------------------------
TS_MS = "1747555200123"
NOW_MS = int(TS_MS)
IK = "0c64d6e7-3b1e-4f6f-9e3b-8a3b3f04e5b2"


@pytest.mark.parametrize("v", VECTORS_V2, ids=[v["name"] for v in VECTORS_V2])
def test_vectors_v2(v):
    body = v["body"].encode("utf-8")
    args = (v["timestamp"], v["method"], v["path_with_query"], v["idempotency_key"], body)
    assert canonical_v2(*args) == v["canonical"].encode("utf-8")
    assert sign_v2(v["secret"], *args) == v["signature"]
    verify_v2(v["secret"], v["timestamp"], v["signature"], v["method"], v["path_with_query"].encode(),
              v["idempotency_key"].encode(), body, now_ms=int(v["timestamp"]))


def test_vectors_v2_cover_what_v2_is_for():
    by_name = {v["name"]: v for v in VECTORS_V2}
    same_ms = by_name["get_no_query_no_idempotency_key"], by_name["same_get_one_millisecond_later"]
    assert int(same_ms[0]["timestamp"]) // 1000 == int(same_ms[1]["timestamp"]) // 1000  # one second, two signatures
    assert same_ms[0]["signature"] != same_ms[1]["signature"]
    keyed = by_name["post_json_body_with_idempotency_key"], by_name["same_post_other_idempotency_key"]
    assert keyed[0]["body"] == keyed[1]["body"] and keyed[0]["signature"] != keyed[1]["signature"]
    assert any("\n" in v["body"] for v in VECTORS_V2) and any(ord(c) > 127 for v in VECTORS_V2 for c in v["body"])
    assert all(v["canonical"].startswith("v2\n") for v in VECTORS_V2)


def test_known_answer_v2_independent_of_the_vectors():  # printf 'v2\n...' | openssl dgst -sha256 -hmac <secret>
    assert sign_v2(SECRET, TS_MS, "get", b"/v1/account/balances", b"", b"") == (
        "faf6f1304368d47bbbc2b48b016c74f358610a26c43b5e50928dd7add06ee37e")


TOKEN = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-/?=&%+"), max_size=30)


@given(ts=st.integers(0, 10**15).map(str), method=st.sampled_from(["GET", "POST", "PATCH", "DELETE"]),
       target=TOKEN.map(lambda t: "/" + t), key=st.one_of(st.just(""), st.uuids(version=4).map(str)),
       body=st.binary(max_size=60))
def test_v2_canonical_parses_back_into_its_parts(ts, method, target, key, body):
    """The separators make v2 unambiguous: splitting the message at its first five LFs gives back every part,
    whatever the body holds, so no two different requests share a canonical message."""
    message = canonical_v2(ts, method, target, key, body)
    assert message.split(b"\n", 5) == [b"v2", ts.encode(), method.encode(), target.encode(), key.encode(), body]


@given(ts=st.integers(0, 10**15).map(str), target=TOKEN.map(lambda t: "/" + t), body=st.binary(max_size=40),
       key=st.uuids(version=4).map(str), other=st.uuids(version=4).map(str), part=st.sampled_from(["key", "ts"]))
def test_a_v2_signature_binds_the_idempotency_key_and_the_millisecond(ts, target, body, key, other, part):
    original = sign_v2(SECRET, ts, "POST", target, key, body)
    if part == "key":
        if other == key:
            return
        assert sign_v2(SECRET, ts, "POST", target, other, body) != original
        assert code_of(verify_v2, SECRET, ts, original, "POST", target, other, body, int(ts)) == "invalid_signature"
        assert code_of(verify_v2, SECRET, ts, original, "POST", target, "", body, int(ts)) == "invalid_signature"
    else:
        later = str(int(ts) + 1)
        assert sign_v2(SECRET, later, "POST", target, key, body) != original


@given(ts=st.integers(0, 10**11).map(str), method=st.sampled_from(["GET", "POST", "DELETE"]),
       target=TOKEN.map(lambda t: "/" + t), body=st.binary(max_size=40))
def test_no_signature_verifies_under_the_other_version(ts, method, target, body):
    """A v1 message starts with a digit and a v2 message with "v2": dropping or adding the version header never
    turns a captured signature into a valid one."""
    v1 = sign(SECRET, ts, method, target, body)
    v2 = sign_v2(SECRET, ts, method, target, "", body)
    assert v1 != v2
    assert code_of(verify_v2, SECRET, ts, v1, method, target, "", body, int(ts)) == "invalid_signature"
    assert code_of(verify, SECRET, ts, v2, method, target, body, int(ts)) == "invalid_signature"


def test_v2_skew_is_30_seconds_in_milliseconds():
    sig = sign_v2(SECRET, TS_MS, "GET", "/v1/x", "", b"")
    for now in (NOW_MS - 30_000, NOW_MS, NOW_MS + 30_000):
        verify_v2(SECRET, TS_MS, sig, "GET", "/v1/x", "", b"", now)
    for now in (NOW_MS - 30_001, NOW_MS + 30_001):
        assert code_of(verify_v2, SECRET, TS_MS, sig, "GET", "/v1/x", "", b"", now) == "timestamp_skew"
    seconds = TS_MS[:-3]  # a v1-style timestamp under the v2 header is 55 years off: skew, not a guess
    assert code_of(verify_v2, SECRET, seconds, sign_v2(SECRET, seconds, "GET", "/v1/x", "", b""), "GET", "/v1/x",
                   "", b"", NOW_MS) == "timestamp_skew"


@pytest.mark.parametrize("ts", ["", "1747555200123.5", "+1747555200123", "-1", " 1747555200123", "0x1A",
                                "01747555200123", "１７４７５５５２００１２３", "17475552001230000", None])
def test_v2_timestamp_must_be_plain_unix_milliseconds(ts):
    sig = sign_v2(SECRET, TS_MS, "GET", "/v1/x", "", b"")
    assert code_of(verify_v2, SECRET, ts, sig, "GET", "/v1/x", "", b"", NOW_MS) == "timestamp_skew"


def test_versions_and_the_v1_sunset():
    signing.check_version("2", signing.V1_SUNSET_MS + 10**12)
    signing.check_version("1", signing.V1_SUNSET_MS - 1)
    assert code_of(signing.check_version, "1", signing.V1_SUNSET_MS) == "signature_version_unsupported"
    for bad in ("3", "", "v2", "02", " 2"):
        assert code_of(signing.check_version, bad, NOW_MS) == "signature_version_unsupported"


def test_the_server_follows_the_spec_recipe_and_sunset():
    import yaml

    spec = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text(encoding="utf-8"))
    recipe = spec["components"]["securitySchemes"]["apiKey"]["x-cooud-signing"]
    assert recipe["current_version"] == "2" and set(recipe["versions"]) == set(signing.VERSIONS)
    v1 = recipe["versions"]["1"]
    assert (v1["x-cooud-deprecated-at"], v1["x-cooud-sunset"]) == (signing.V1_DEPRECATED_AT, signing.V1_SUNSET)
    assert (ROOT / recipe["versions"]["2"]["test_vectors"]).is_file()
    assert recipe["skew_seconds"] == signing.SKEW_S
    assert "signature_version_unsupported" in spec["x-cooud-error-catalogue"]
    header = spec["components"]["parameters"]["SignatureVersion"]
    assert header["name"].lower() == signing.VERSION_HEADER and header["required"] is False


def test_a_repeated_idempotency_key_header_is_refused():
    headers = [(b"idempotency-key", IK.encode()), (b"x-other", b"1")]
    assert signing.single_header(headers, b"idempotency-key") == IK.encode()
    assert signing.single_header([], b"idempotency-key") == b""
    twice = [*headers, (b"idempotency-key", b"9b2f1c4e-7a5d-4e8b-a1c3-5d6e7f809a1b")]
    assert code_of(signing.single_header, twice, b"idempotency-key") == "invalid_signature"
