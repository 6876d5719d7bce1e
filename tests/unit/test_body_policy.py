"""The body policy's JSON decoding rules (exercised over HTTP once operations with bodies exist)."""

from __future__ import annotations

import pytest

from impl.errors import ApiError
from impl.middleware.body import check

JSON = ("application/json",)


def code_of(*args) -> str | None:
    try:
        check(*args)
    except ApiError as exc:
        return exc.code
    return None


def test_accepts_well_formed_json():
    assert code_of("POST", "/orders", JSON, "application/json", b'{"a": "\xc3\xa9"}') is None


def test_empty_body_is_left_to_schema_validation():
    assert code_of("POST", "/orders", JSON, None, b"") is None


@pytest.mark.parametrize("body", [b"\xff\xfe{}", b'{"a": "\xed\xa0\x80"}'])
def test_non_utf8_json_is_malformed(body):
    assert code_of("POST", "/orders", JSON, "application/json", body) == "malformed_body"


@pytest.mark.parametrize("body", [b"{", b"{'a': 1}", b"[1,]", b"nul"])
def test_broken_json_is_malformed(body):
    assert code_of("POST", "/orders", JSON, "application/json", body) == "malformed_body"


def test_undeclared_content_type():
    assert code_of("POST", "/orders", JSON, "text/plain", b"{}") == "unsupported_media_type"
    assert code_of("POST", "/orders", JSON, None, b"{}") == "unsupported_media_type"


def test_body_where_none_is_declared():
    assert code_of("GET", "/time", (), "application/json", b"{}") == "unsupported_media_type"
