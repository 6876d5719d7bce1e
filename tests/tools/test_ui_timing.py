"""tools/ui_timing.py without a browser: browser lookup and the accounting of DevTools network events."""

from __future__ import annotations

from tools import ui_timing


def test_a_named_browser_that_does_not_exist_is_not_replaced_by_another(monkeypatch):
    monkeypatch.delenv("COOUD_BROWSER", raising=False)
    assert ui_timing.find_browser("/nonexistent/chrome") is None


def test_bytes_are_counted_per_request_and_inline_data_is_ignored():
    def sent(rid, url):
        return (0, "Network.requestWillBeSent", {"requestId": rid, "request": {"url": url}})

    def received(rid, url, headers):
        return (0, "Network.responseReceived", {"requestId": rid, "response": {"url": url, "status": 200,
                                                                                "headers": headers}})

    def finished(rid, n):
        return (0, "Network.loadingFinished", {"requestId": rid, "encodedDataLength": n})

    events = [sent("1", "http://h/v1/ui/"), received("1", "http://h/v1/ui/", {}), finished("1", 1000),
              sent("2", "http://h/v1/openapi.json"),
              received("2", "http://h/v1/openapi.json", {"Content-Encoding": "gzip"}), finished("2", 300),
              sent("3", "data:image/svg+xml;base64,AAAA"), finished("3", 0),
              (0, "Runtime.exceptionThrown", {"exceptionDetails": {"text": "Uncaught", "exception": {
                  "description": "TypeError: boom"}}})]
    load = ui_timing.Load()
    ui_timing._account(load, events)
    assert load.bytes_total == 1300 and load.bytes_spec == 300
    assert [r["url"] for r in load.requests] == ["http://h/v1/ui/", "http://h/v1/openapi.json"]
    assert load.requests[1]["encoding"] == "gzip"
    assert load.errors == ["TypeError: boom"]
