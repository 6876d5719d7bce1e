"""Write spec/signing/vectors.json and vectors_v2.json — the test vectors of the API-key request-signing recipes.

    python -m tools.make_signing_vectors           # (re)write the files
    python -m tools.make_signing_vectors --check   # exit 1 if a file differs from what this script writes

vectors.json pins version 1 (deprecated: unix seconds, no Idempotency-Key) and is left byte for byte as it was
published; vectors_v2.json pins version 2 (X-Cooud-Signature-Version: 2):
``"v2" LF timestamp_ms LF METHOD LF path_with_query LF idempotency_key LF body``.
The recipes are implemented here a second time, independently of impl/security/signing.py, on purpose: the
server's tests check impl against these vectors, so a change to impl cannot silently move the vectors too.
Deterministic: fixed inputs, JSON with a fixed key order, two-space indent, UTF-8, final newline.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import hmac
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "spec" / "signing" / "vectors.json"
OUT_V2 = OUT.with_name("vectors_v2.json")

SECRET_A = "Jq3vN7xW0bLk2sYfR8tHcD4mZ1uP6aGe9oIhVnQwXyE"  # 43 chars, the shape of a real secret
SECRET_B = "s3cr3t-with-ümlaut-and-ünicode"  # the key is the secret's UTF-8 bytes

# (name, secret, timestamp, method, path_with_query, body)
CASES: list[tuple[str, str, str, str, str, str]] = [
    ("get_no_query", SECRET_A, "1747555200", "GET", "/v1/account/balances", ""),
    ("get_with_query", SECRET_A, "1747555200", "GET", "/v1/account/api-keys?limit=10", ""),
    ("get_query_several_parameters_order_kept", SECRET_A, "1747555201", "GET",
     "/v1/orders?symbol=BTC-USDT&status=open&limit=50&cursor=eyJpZCI6MX0", ""),
    ("post_json_body", SECRET_A, "1747555202", "POST", "/v1/orders",
     '{"symbol":"BTC/USDT","side":"buy","type":"limit","price":"61500.00","quantity":"0.002"}'),
    ("post_json_body_non_ascii", SECRET_A, "1747555203", "POST", "/v1/account/api-keys",
     '{"label":"Bot für Märkte — 取引 ✓","scopes":["read","trade"]}'),
    ("post_pretty_json_body_signed_as_sent", SECRET_A, "1747555204", "POST", "/v1/orders",
     '{\n  "symbol": "ETH/USDT",\n  "side": "sell",\n  "type": "market",\n  "quantity": "1.5"\n}\n'),
    ("delete_empty_body", SECRET_A, "1747555205", "DELETE", "/v1/orders/ord_01JD6Q5X2V8M3N4P5R6S7T8V9W", ""),
    ("percent_encoded_path_not_decoded", SECRET_A, "1747555206", "GET",
     "/v1/orders/by-client-id/grid%2Fleg%201%3Aa", ""),
    ("query_with_plus_and_percent20_not_decoded", SECRET_A, "1747555207", "GET",
     "/v1/orders?client_order_id=a+b%20c&note=x%2By", ""),
    ("lowercase_method_is_uppercased", SECRET_A, "1747555208", "patch",
     "/v1/account/api-keys/key_01JD6Q5X2V8M3N4P5R6S7T8V9W", '{"label":"renamed"}'),
    ("non_ascii_secret_is_utf8", SECRET_B, "1747555209", "GET", "/v1/account/balances?asset=USDT", ""),
    ("timestamp_zero", SECRET_A, "0", "GET", "/v1/time", ""),
]


def _vector(name: str, secret: str, timestamp: str, method: str, target: str, body: str) -> dict:
    canonical = timestamp.encode("ascii") + method.upper().encode("ascii") + target.encode("ascii") + body.encode()
    signature = hmac.new(secret.encode("utf-8"), canonical, hashlib.sha256).hexdigest()
    return {
        "name": name, "secret": secret, "timestamp": timestamp, "method": method, "path_with_query": target,
        "body": body, "canonical": canonical.decode("utf-8"), "signature": signature,
    }


IK_1 = "0c64d6e7-3b1e-4f6f-9e3b-8a3b3f04e5b2"  # Idempotency-Key values (UUID v4, lower case, as the spec asks)
IK_2 = "9b2f1c4e-7a5d-4e8b-a1c3-5d6e7f809a1b"
ORDER = '{"symbol":"BTC/USDT","side":"buy","type":"limit","price":"61500.00","size":"0.002"}'

# (name, secret, timestamp_ms, method, path_with_query, idempotency_key, body)
CASES_V2: list[tuple[str, str, str, str, str, str, str]] = [
    ("get_no_query_no_idempotency_key", SECRET_A, "1747555200123", "GET", "/v1/account/balances", "", ""),
    ("same_get_one_millisecond_later", SECRET_A, "1747555200124", "GET", "/v1/account/balances", "", ""),
    ("get_with_query", SECRET_A, "1747555200200", "GET", "/v1/orders?symbol=BTC-USDT&status=open&limit=50", "", ""),
    ("post_json_body_with_idempotency_key", SECRET_A, "1747555202000", "POST", "/v1/orders", IK_1, ORDER),
    ("same_post_other_idempotency_key", SECRET_A, "1747555202000", "POST", "/v1/orders", IK_2, ORDER),
    ("post_json_body_non_ascii", SECRET_A, "1747555203001", "POST", "/v1/orders", IK_1,
     '{"symbol":"BTC/USDT","side":"sell","type":"market","size":"1","client_order_id":"grid-ü-取引"}'),
    ("post_pretty_json_body_with_newlines", SECRET_A, "1747555204002", "POST", "/v1/orders/preview", "",
     '{\n  "symbol": "ETH/USDT",\n  "side": "sell",\n  "type": "market",\n  "size": "1.5"\n}\n'),
    ("delete_empty_body_with_idempotency_key", SECRET_A, "1747555205003", "DELETE",
     "/v1/orders/ord_01JD6Q5X2V8M3N4P5R6S7T8V9W", IK_2, ""),
    ("percent_encoded_path_not_decoded", SECRET_A, "1747555206004", "GET",
     "/v1/orders/by-client-id/grid%2Fleg%201%3Aa", "", ""),
    ("query_with_plus_and_percent20_not_decoded", SECRET_A, "1747555207005", "GET",
     "/v1/orders?client_order_id=a+b%20c&note=x%2By", "", ""),
    ("lowercase_method_is_uppercased", SECRET_A, "1747555208006", "patch",
     "/v1/orders/ord_01JD6Q5X2V8M3N4P5R6S7T8V9W", IK_1, '{"price":"61400.00"}'),
    ("non_ascii_secret_is_utf8", SECRET_B, "1747555209007", "GET", "/v1/wallet/balances", "", ""),
    ("timestamp_zero", SECRET_A, "0", "GET", "/v1/time", "", ""),
]


def _vector_v2(name: str, secret: str, timestamp: str, method: str, target: str, idempotency_key: str,
               body: str) -> dict:
    canonical = (b"v2\n" + timestamp.encode("ascii") + b"\n" + method.upper().encode("ascii") + b"\n"
                 + target.encode("ascii") + b"\n" + idempotency_key.encode("ascii") + b"\n" + body.encode())
    signature = hmac.new(secret.encode("utf-8"), canonical, hashlib.sha256).hexdigest()
    return {
        "name": name, "secret": secret, "timestamp": timestamp, "method": method, "path_with_query": target,
        "idempotency_key": idempotency_key, "body": body, "canonical": canonical.decode("utf-8"),
        "signature": signature,
    }


def render_v2() -> str:
    doc = {
        "description": (
            "Test vectors of the X-Cooud-Signature recipe, version 2 (X-Cooud-Signature-Version: 2; "
            "spec/signing/README.md): signature = lowercase hex HMAC-SHA256(key = UTF-8 secret, message = "
            "'v2' LF timestamp (unix milliseconds) LF METHOD (upper case) LF path_with_query LF idempotency_key "
            "(empty when the request has no Idempotency-Key) LF body). All strings are UTF-8; 'canonical' is the "
            "signed message decoded as UTF-8. Generated by tools/make_signing_vectors.py — do not edit."
        ),
        "version": "2",
        "vectors": [_vector_v2(*case) for case in CASES_V2],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render() -> str:
    doc = {
        "description": (
            "Test vectors of the X-Cooud-Signature recipe (spec/signing/README.md): signature = lowercase hex "
            "HMAC-SHA256(key = UTF-8 secret, message = timestamp + METHOD (upper case) + path_with_query + body). "
            "All strings are UTF-8; 'canonical' is the signed message decoded as UTF-8. "
            "Generated by tools/make_signing_vectors.py — do not edit."
        ),
        "vectors": [_vector(*case) for case in CASES],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file differs from a fresh generation")
    args = parser.parse_args(argv)
    status = 0
    for out, text in ((OUT, render()), (OUT_V2, render_v2())):
        if args.check:
            current = out.read_text(encoding="utf-8") if out.exists() else ""
            if current != text:
                sys.stdout.writelines(difflib.unified_diff(
                    current.splitlines(keepends=True), text.splitlines(keepends=True), str(out), "expected"))
                print(f"{out} is out of date: run python -m tools.make_signing_vectors", file=sys.stderr)
                status = 1
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
