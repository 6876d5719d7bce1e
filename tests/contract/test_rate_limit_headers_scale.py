"""The rate-limit headers stay valid against the spec's header schemas at any budget scale.

At COOUD_RATE_LIMIT_SCALE >= 834 the per-credential read budget (1200/min x 834 = 1,000,800) passed the
schema's maximum of X-RateLimit-Limit (1,000,000, also in the released 1.0.0 contract). The server reports such
budgets as the maximum (impl/middleware/ratelimit.py HEADER_MAX); the real budgets are unchanged."""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from starlette.testclient import TestClient

from impl.app import create_app
from impl.config import Config
from tests.live import ROOT

SPEC = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text())
HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After")
EMAIL, PASSWORD = "scale@example.com", "correct horse battery staple"


def valid_against_the_spec(r) -> dict[str, int]:
    seen = {}
    for name in HEADERS:
        if name in r.headers:
            schema = {**SPEC["components"]["headers"][name]["schema"], "components": SPEC["components"]}
            seen[name] = int(r.headers[name])
            jsonschema.validate(seen[name], schema)
    return seen


@pytest.mark.parametrize("scale", [834, 1e4, 1e9])
def test_headers_within_their_schemas_at_large_scales(tmp_path, scale):
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True, rate_limit_scale=scale))
    app.services.identity.create_user(EMAIL, PASSWORD, app.services.now_ms())
    c = TestClient(app)
    anonymous = valid_against_the_spec(c.get("/v1/time"))
    token = c.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}).json()["access_token"]
    authenticated = valid_against_the_spec(c.get("/v1/account", headers={"Authorization": f"Bearer {token}"}))
    assert anonymous["X-RateLimit-Limit"] == min(1_000_000, int(600 * scale))
    assert authenticated["X-RateLimit-Limit"] == 1_000_000  # 1200 x scale per credential, reported at the bound
    assert authenticated["X-RateLimit-Remaining"] == 1_000_000
    # the budget itself is not cut to the header's bound: a million and one requests' worth are still admitted
    assert app.services.rate_limiter._credential["read"].limit > 1_000_000
    app.services.close()
