"""Bad input never gets a 500 or a traceback: each case gets the one envelope, the right status and a
catalogued code, with the request id of the X-Request-Id header."""

from __future__ import annotations

import pytest

from generated.operations import ERROR_CATALOGUE


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert ERROR_CATALOGUE[code].status == status
    assert error["request_id"] == response.headers["x-request-id"]
    assert error["message"] and "Traceback" not in response.text
    return error


def test_unknown_symbol(client):
    error = assert_envelope(client.get("/v1/markets/DOGE-EUR/ticker"), 404, "market_not_found")
    assert "DOGE/EUR" in error["message"]


def test_malformed_symbol(client):
    assert_envelope(client.get("/v1/markets/btc_usdt"), 400, "invalid_request")


def test_bad_interval(client):
    error = assert_envelope(client.get("/v1/markets/BTC-USDT/candles?interval=2m"), 400, "invalid_request")
    assert "2m" in error["message"]


def test_missing_interval(client):
    assert_envelope(client.get("/v1/markets/BTC-USDT/candles"), 400, "invalid_request")


def test_impossible_date(client):
    assert_envelope(client.get("/v1/markets/BTC-USDT/candles?interval=1m&start=2026-02-30T00:00:00Z"), 400,
                    "invalid_request")


def test_unknown_query_parameter(client):
    error = assert_envelope(client.get("/v1/markets?colour=blue"), 400, "invalid_request")
    assert "colour" in error["message"]


def test_out_of_range_parameter(client):
    assert_envelope(client.get("/v1/markets/BTC-USDT/orderbook?depth=0"), 400, "invalid_request")
    assert_envelope(client.get("/v1/markets/BTC-USDT/trades?limit=fifty"), 400, "invalid_request")


def test_unknown_cursor(client):
    error = assert_envelope(client.get("/v1/markets/BTC-USDT/trades?cursor=bm9wZQ"), 400, "invalid_request")
    assert error["details"][0]["field"] == "cursor"


def test_unknown_route(client):
    assert_envelope(client.get("/v1/nowhere"), 404, "not_found")
    assert_envelope(client.get("/"), 404, "not_found")
    # A path the spec's template matches, with a parameter that breaks its pattern: 400 naming the parameter.
    error = assert_envelope(client.get("/v1/markets/a%0Ab"), 400, "invalid_request")
    assert error["details"][0]["field"] == "symbol"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_wrong_method_has_true_allow_header(client, method):
    response = client.request(method, "/v1/markets/BTC-USDT")
    assert_envelope(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, HEAD"
    # The Allow header tells the truth: HEAD really works there.
    assert client.head("/v1/markets/BTC-USDT").status_code == 200


def test_body_on_an_operation_without_one(client):
    response = client.request("GET", "/v1/time", content=b'{"a": 1}', headers={"content-type": "application/json"})
    assert_envelope(response, 415, "unsupported_media_type")


def test_wrong_content_type(client):
    response = client.request("GET", "/v1/markets", content=b"hello", headers={"content-type": "text/plain"})
    assert_envelope(response, 415, "unsupported_media_type")


def test_non_utf8_body(client):
    response = client.request("GET", "/v1/time", content=b"\xff\xfe\xfa", headers={"content-type": "application/json"})
    assert_envelope(response, 415, "unsupported_media_type")


def test_two_megabyte_body(client):
    body = b"x" * (2 * 1024 * 1024)
    response = client.request("GET", "/v1/time", content=body, headers={"content-type": "application/json"})
    assert_envelope(response, 413, "payload_too_large")


def test_two_megabyte_chunked_body(client):
    def chunks():
        for _ in range(32):
            yield b"y" * 65536

    response = client.request("GET", "/v1/time", content=chunks(), headers={"content-type": "application/json"})
    assert_envelope(response, 413, "payload_too_large")


def test_unexpected_exception_is_an_envelope_without_traceback(client, app, monkeypatch):
    def boom(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app.services.market_data, "markets", boom)
    response = client.get("/v1/markets")
    error = assert_envelope(response, 500, "internal_error")
    assert "secret internal detail" not in response.text
    assert error["request_id"].startswith("req_")


def test_every_response_has_a_request_id(client):
    ids = {client.get(p).headers["x-request-id"] for p in ("/v1/time", "/v1/ui/", "/v1/openapi.json", "/nope")}
    assert len(ids) == 4 and all(i.startswith("req_") for i in ids)

