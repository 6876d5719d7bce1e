"""In-process conformance: schemathesis' engine, every check and every phase (examples, coverage, fuzzing,
stateful over links), fixed seed from schemathesis.toml, against the real app with response validation on.
Another seed for one run, without editing the file: `COOUD_SCHEMATHESIS_SEED=4242 python -m pytest ...`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from impl.app import create_app
from impl.config import Config
from tests.contract import hooks  # registers CooudAuth and error_envelope_conformance

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(tmp_path):
    # Budgets x20: the run sends a few thousand requests from one address within a minute; the limiter and its
    # headers stay on (validated on every response) and schemathesis.toml obeys its Retry-After.
    # Sign-in throttling stays on with a 1-second window instead of 15 minutes: the run signs in with the spec's
    # example email dozens of times, gets 429 login_throttled (validated, Retry-After 1) and waits a second —
    # not the 60 s x 3 retries schemathesis would wait per request for a 15-minute Retry-After.
    return create_app(Config(database=str(tmp_path / "cooud.sqlite3"), validate_responses=True,
                             rate_limit_scale=20, login_window_s=1))


def run_engine(app) -> tuple[list[str], dict[str, int], set[str], dict[str, set[int]]]:
    text = (ROOT / "schemathesis.toml").read_text()
    if os.environ.get("COOUD_SCHEMATHESIS_SEED"):
        text = re.sub(r"(?m)^seed = .*$", f"seed = {int(os.environ['COOUD_SCHEMATHESIS_SEED'])}", text)
    config = SchemathesisConfig.from_str(text, base_dir=str(ROOT))
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", app, config=config)
    failures: list[str] = []
    checks: dict[str, int] = {}
    phases: set[str] = set()
    statuses: dict[str, set[int]] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"error: {event!r}")
        if isinstance(event, events.PhaseFinished) and event.status is not None:
            phases.add(f"{event.phase.name.value}:{event.status.value}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        for case_id, interaction in event.recorder.interactions.items():
            if interaction.response is not None:
                label = event.recorder.cases[case_id].value.operation.label
                statuses.setdefault(label, set()).add(interaction.response.status_code)
        for results in event.recorder.checks.values():
            for result in results:
                checks[result.name] = checks.get(result.name, 0) + 1
                if result.status.value != "success":
                    info = result.failure_info and result.failure_info.failure
                    failures.append(f"{event.label}: {result.name}: {str(info)[:300]}")
    return failures, checks, phases, statuses


def test_schemathesis_all_checks_all_phases(app):
    email, password = "schemathesis@example.com", "conformance-password"
    user = app.services.identity.create_user(email, password, app.services.now_ms())
    for asset, amount in (("BTC", "1000"), ("ETH", "10000"), ("SOL", "100000"), ("USDT", "100000000")):
        app.services.trading.deposit(user.id, asset, amount, f"schemathesis-{asset}")  # so that orders can place
    hooks.configure(email, password)
    failures, checks, phases, statuses = run_engine(app)
    assert failures == []
    # Private operations were exercised with valid credentials, not only refused.
    def succeeded(label: str) -> bool:
        return any(200 <= s < 300 for s in statuses.get(label, ()))

    for label in ("GET /account", "GET /account/api-keys", "POST /account/api-keys", "POST /auth/2fa/enroll",
                  "POST /orders", "POST /orders/preview", "GET /wallet/balances", "GET /orders", "GET /fills"):
        assert succeeded(label), (label, statuses.get(label))
    # Operations on one key or order need an id the server issued: reached through the spec's links (stateful
    # phase). Which links a run manages to follow varies with what generation creates, so one of them suffices.
    by_id = [label for label in statuses if ("{key_id}" in label or "{order_id}" in label) and succeeded(label)]
    assert by_id, {label: statuses[label] for label in statuses if "{key_id}" in label or "{order_id}" in label}
    assert app.services.store.ledger_report()["unbalanced_entries"] == []
    assert 401 in statuses["GET /account"]  # ... and refused without them (ignored_auth probes, bad signatures)
    # The run really exercised the API: every built-in check and our envelope check ran many times.
    for name in ("not_a_server_error", "ignored_auth", "response_schema_conformance", "negative_data_rejection",
                 "positive_data_acceptance", "unsupported_method", "allow_header_conformance",
                 "error_envelope_conformance"):
        assert checks.get(name, 0) > 50, (name, checks)
    assert any(p.startswith("fuzzing:") for p in phases), phases
    assert any(p.startswith("coverage:") for p in phases), phases
