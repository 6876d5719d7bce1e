"""The stream's documentation is served beside Swagger UI: the HTML rendering and the AsyncAPI document itself."""

from __future__ import annotations

from pathlib import Path

import yaml

SPEC = Path(__file__).resolve().parents[2] / "spec" / "asyncapi.yaml"


def test_the_html_rendering_is_served_beside_swagger_ui_and_names_every_operation(client):
    r = client.get("/v1/ui/stream/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    doc = yaml.safe_load(SPEC.read_text("utf-8"))
    assert doc["info"]["title"] in r.text
    for operation in doc["operations"]:
        assert operation in r.text
    assert client.get("/v1/ui/").status_code == 200  # Swagger UI still there


def test_the_asyncapi_document_is_served_as_written(client):
    r = client.get("/v1/asyncapi.yaml")
    assert r.status_code == 200 and r.content == SPEC.read_bytes()


def test_other_methods_get_the_one_envelope_with_allow(client):
    r = client.post("/v1/ui/stream/")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert r.json()["error"]["code"] == "method_not_allowed"
