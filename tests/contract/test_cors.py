"""The Access-Control-Allow-Origin header behaves as the spec's header description says."""

from __future__ import annotations


def test_cors_on_public_operations(client):
    response = client.get("/v1/markets", headers={"origin": "https://app.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in client.get("/v1/markets").headers
