"""Lifecycle headers over HTTP: a deprecated operation answers with Deprecation, Sunset and Link on every
response (success and errors of several layers), other operations never do; and the date formatting.

The spec has no deprecated operation today, so the app is built with one real entry of the generated
operation table replaced (`deprecated=True` plus dates) before `create_app`: the request goes through the real
edge (routing, validation, auth, handler, response validation), which compiles the table at start-up."""

from __future__ import annotations

import calendar
import dataclasses
from email.utils import parsedate_to_datetime

import pytest
from starlette.testclient import TestClient

from generated import operations
from impl.app import create_app
from impl.middleware.lifecycle import (
    LINK_VALUE,
    deprecation_value,
    lifecycle_headers,
    sunset_value,
)

DEPRECATED_AT, SUNSET = "2026-11-01", "2027-02-01"
DEPRECATION_HEADER = f"@{calendar.timegm((2026, 11, 1, 0, 0, 0))}"
SUNSET_HEADER = "Mon, 01 Feb 2027 00:00:00 GMT"


def _deprecate(monkeypatch, op_id: str) -> None:
    op = operations.OPERATIONS[op_id]
    monkeypatch.setitem(operations.OPERATIONS, op_id,
                        dataclasses.replace(op, deprecated=True, deprecated_at=DEPRECATED_AT, sunset=SUNSET))


@pytest.fixture
def deprecated_client(monkeypatch, config):
    _deprecate(monkeypatch, "getMarket")  # GET /markets/{symbol}: public, 200 / 400 / 404
    _deprecate(monkeypatch, "listFills")  # GET /fills: needs credentials, 401 without
    with TestClient(create_app(config)) as c:
        yield c


def _assert_lifecycle(response) -> None:
    assert response.headers.get("Deprecation") == DEPRECATION_HEADER, response.headers
    assert response.headers.get("Sunset") == SUNSET_HEADER
    assert response.headers.get("Link") == LINK_VALUE
    assert len(response.headers.get_list("Deprecation")) == 1


def _assert_none(response) -> None:
    for name in ("Deprecation", "Sunset", "Link"):
        assert name not in response.headers, (name, response.headers)


def test_deprecated_operation_success_carries_the_headers(deprecated_client) -> None:
    r = deprecated_client.get("/v1/markets/BTC-USDT")
    assert r.status_code == 200
    _assert_lifecycle(r)


@pytest.mark.parametrize(("target", "status", "code"), [
    ("/v1/markets/NOPE-USDT", 404, "market_not_found"),   # raised by the handler
    ("/v1/markets/BTC-USDT?bogus=1", 400, "invalid_request"),  # raised by request validation
    ("/v1/fills", 401, "unauthenticated"),                # raised by the auth layer
])
def test_deprecated_operation_errors_carry_the_headers(deprecated_client, target, status, code) -> None:
    r = deprecated_client.get(target)
    assert r.status_code == status and r.json()["error"]["code"] == code
    _assert_lifecycle(r)


def test_other_operations_carry_none(deprecated_client) -> None:
    _assert_none(deprecated_client.get("/v1/markets/BTC-USDT/ticker"))
    _assert_none(deprecated_client.get("/v1/markets/NOPE-USDT/ticker"))
    _assert_none(deprecated_client.get("/v1/markets"))
    _assert_none(deprecated_client.get("/v1/nowhere"))
    _assert_none(deprecated_client.post("/v1/markets/BTC-USDT"))  # 405: no operation was routed


def test_unmodified_table_gives_no_headers(client) -> None:
    _assert_none(client.get("/v1/markets/BTC-USDT"))


# -- formatting --------------------------------------------------------------------------------------


def test_deprecation_is_an_sf_date_of_midnight_utc() -> None:
    assert deprecation_value("1970-01-02") == "@86400"
    assert deprecation_value("2026-11-01") == DEPRECATION_HEADER == "@1793491200"


def test_sunset_is_an_imf_fixdate() -> None:
    assert sunset_value("2027-02-01") == SUNSET_HEADER
    assert sunset_value("2026-12-25") == "Fri, 25 Dec 2026 00:00:00 GMT"
    assert parsedate_to_datetime(sunset_value("2030-03-09")).isoformat() == "2030-03-09T00:00:00+00:00"


@pytest.mark.parametrize("bad", ["2026-13-01", "20261201", "2026-11-01T00:00:00Z", "soon"])
def test_malformed_dates_are_rejected(bad) -> None:
    with pytest.raises(ValueError):
        deprecation_value(bad)


def test_header_set() -> None:
    assert lifecycle_headers(False, DEPRECATED_AT, SUNSET) == ()
    assert lifecycle_headers(True, DEPRECATED_AT, SUNSET) == (
        (b"deprecation", DEPRECATION_HEADER.encode()), (b"sunset", SUNSET_HEADER.encode()),
        (b"link", LINK_VALUE.encode()))
    assert [k for k, _ in lifecycle_headers(True, None, SUNSET)] == [b"sunset", b"link"]
