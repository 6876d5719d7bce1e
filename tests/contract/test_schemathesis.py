"""In-process conformance: schemathesis' engine, every check and every phase (examples, coverage, fuzzing,
stateful over links), fixed seed from schemathesis.toml, against the real app with response validation on."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

import tests.contract.hooks  # noqa: F401  (registers error_envelope_conformance)

ROOT = Path(__file__).resolve().parents[2]


def run_engine(app) -> tuple[list[str], dict[str, int], set[str]]:
    config = SchemathesisConfig.from_path(ROOT / "schemathesis.toml")
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", app, config=config)
    failures: list[str] = []
    checks: dict[str, int] = {}
    phases: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"error: {event!r}")
        if isinstance(event, events.PhaseFinished) and event.status is not None:
            phases.add(f"{event.phase.name.value}:{event.status.value}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        for results in event.recorder.checks.values():
            for result in results:
                checks[result.name] = checks.get(result.name, 0) + 1
                if result.status.value != "success":
                    info = result.failure_info and result.failure_info.failure
                    failures.append(f"{event.label}: {result.name}: {str(info)[:300]}")
    return failures, checks, phases


def test_schemathesis_all_checks_all_phases(app):
    failures, checks, phases = run_engine(app)
    assert failures == []
    # The run really exercised the API: every built-in check and our envelope check ran many times.
    for name in ("not_a_server_error", "response_schema_conformance", "negative_data_rejection",
                 "positive_data_acceptance", "unsupported_method", "allow_header_conformance",
                 "error_envelope_conformance"):
        assert checks.get(name, 0) > 50, (name, checks)
    assert any(p.startswith("fuzzing:") for p in phases), phases
    assert any(p.startswith("coverage:") for p in phases), phases
