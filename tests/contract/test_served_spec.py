"""The spec is served as written (issue 12: it used to be served with every `$ref` expanded, 1.35 MB for a 175 KB
document, and Swagger UI spun for seconds), large answers are compressed, and Swagger UI — the one thing connexion
still serves — answers in the one envelope when it has nothing to give."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_openapi_json_is_the_document_as_written(client):
    r = client.get("/v1/openapi.json", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    served = r.json()
    assert served == yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text())
    assert '"$ref"' in r.text
    assert len(r.content) < 400_000  # expanded, it was 1.35 MB


def test_openapi_yaml_is_the_file_itself(client):
    r = client.get("/v1/openapi.yaml")
    assert r.status_code == 200 and r.content == (ROOT / "spec" / "openapi.yaml").read_bytes()


def test_spec_is_compressed_for_clients_that_accept_gzip(client):
    r = client.get("/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and "Accept-Encoding" in r.headers["vary"]
    raw = client.get("/v1/openapi.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert r.json() == raw.json()  # httpx decoded it
    assert int(r.headers["content-length"]) < len(raw.content) / 4


def test_large_api_answers_are_compressed_small_ones_not(client):
    big = client.get("/v1/markets", headers={"Accept-Encoding": "gzip"})
    small = client.get("/v1/time", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    if len(json.dumps(big.json())) >= 1400:
        assert big.headers["content-encoding"] == "gzip"
        assert int(big.headers["content-length"]) < len(json.dumps(big.json()))
    assert big.status_code == 200 and small.status_code == 200


def test_swagger_ui_points_at_the_served_spec(client):
    r = client.get("/v1/ui/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "openapi.json" in r.text
    assert r.headers["x-request-id"].startswith("req_")


def test_swagger_ui_errors_are_the_envelope(client):
    r = client.get("/v1/ui/no-such-asset.js")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.post("/v1/ui/")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    assert r.headers["allow"] == "GET, HEAD"


def test_swagger_ui_assets_are_gzipped_and_the_same_bytes(client):
    plain = client.get("/v1/ui/swagger-ui-bundle.js", headers={"Accept-Encoding": "identity"})
    packed = client.get("/v1/ui/swagger-ui-bundle.js", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # httpx decoded it
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.headers["content-type"].startswith("text/javascript")


def test_swagger_ui_redirect_keeps_its_location(client):
    r = client.get("/v1/ui", follow_redirects=False)
    assert r.status_code in (301, 302, 307, 308) and r.headers["location"].endswith("/v1/ui/")
