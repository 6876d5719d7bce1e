"""Tests for ``tools/lint.py`` and the Cooud Spectral ruleset (``.spectral.yaml``, ``spec/lint/functions/``).

What is proved:
- the real contracts lint with zero errors (``spec/openapi.yaml``; ``spec/asyncapi.yaml`` when present);
- every ``cooud-*`` rule of the ruleset has a fixture under ``fixtures/lint/`` that breaks exactly that
  convention, and linting it fails with that rule's name in the readable output; the only other errors
  a violation fixture may raise are listed next to it below;
- the control fixtures (one OpenAPI, one AsyncAPI) pass with zero errors and ``tools.lint`` exits 0 on them;
- a document that is neither OpenAPI nor AsyncAPI fails (no rule would have run on it);
- missing tooling or input gives exit status 2 and says what to do.

Speed: Spectral's start-up (~2 s) dominates, so all fixtures are linted in ONE ``python -m tools.lint``
run whose ``--json`` output attributes each result to its file; four Spectral runs in all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import lint

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lint"
OPENAPI = REPO_ROOT / "spec" / "openapi.yaml"
ASYNCAPI = REPO_ROOT / "spec" / "asyncapi.yaml"

pytestmark = pytest.mark.skipif(
    not (REPO_ROOT / "node_modules" / ".bin" / "spectral").exists(), reason="node_modules missing: run `npm ci`"
)

# fixture file -> (the rule it violates, other error codes it is allowed to raise as well)
VIOLATIONS: dict[str, tuple[str, frozenset[str]]] = {
    "violates-cooud-closed-request-objects.yaml": ("cooud-closed-request-objects", frozenset()),
    "violates-cooud-closed-request-objects-allof.yaml": ("cooud-closed-request-objects", frozenset()),
    "violates-cooud-decimal-strings.yaml": ("cooud-decimal-strings", frozenset()),
    "violates-cooud-operation-4xx.yaml": ("cooud-operation-4xx", frozenset()),
    "violates-cooud-idempotency-key.yaml": ("cooud-idempotency-key", frozenset()),
    "violates-cooud-operation-metadata.yaml": ("cooud-operation-metadata", frozenset()),
    "violates-cooud-operation-security.yaml": ("cooud-operation-security", frozenset()),
    "violates-cooud-error-catalogue.yaml": ("cooud-error-catalogue", frozenset()),
    # A public http:// server is also OWASP's business; both must say so.
    "violates-cooud-plaintext-only-on-loopback.yaml": (
        "cooud-plaintext-only-on-loopback",
        frozenset({"owasp:api8:2023-no-server-http"}),
    ),
    "asyncapi-violates-cooud-closed-request-objects.yaml": ("cooud-closed-request-objects", frozenset()),
    "asyncapi-violates-cooud-decimal-strings.yaml": ("cooud-decimal-strings", frozenset()),
    "asyncapi-violates-cooud-plaintext-only-on-loopback-asyncapi.yaml": (
        "cooud-plaintext-only-on-loopback-asyncapi",
        frozenset(),
    ),
}
CONTROLS = ("control.yaml", "asyncapi-control.yaml")
NOT_A_CONTRACT = "not-a-contract.yaml"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools.lint", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def errors_by_file(results: list[dict]) -> dict[str, set[str]]:
    """Error codes (Spectral severity 0, or escalated by tools.lint) per linted file name."""
    out: dict[str, set[str]] = {}
    for r in results:
        if r.get("severity") == 0 or r.get("code") in lint.ESCALATED_CODES:
            out.setdefault(Path(r["source"]).name, set()).add(r["code"])
    return out


def stylish_sections(stdout: str) -> dict[str, str]:
    """Spectral's stylish output split per document: it prints each file's absolute path, then its findings."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in stdout.splitlines():
        if line.startswith("/") and line.strip().endswith((".yaml", ".yml", ".json")):
            current = sections.setdefault(Path(line.strip()).name, [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines) for name, lines in sections.items()}


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    out = tmp_path_factory.mktemp("lint") / "results.json"
    files = [*VIOLATIONS, *CONTROLS, NOT_A_CONTRACT]
    proc = run_cli("--json", str(out), *(str(FIXTURES / f) for f in files))
    assert out.exists(), proc.stderr
    return proc, json.loads(out.read_text())


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    out = tmp_path_factory.mktemp("lint") / "results.json"
    proc = run_cli("--json", str(out))
    assert out.exists(), proc.stdout + proc.stderr
    return proc, json.loads(out.read_text())


# --- the real contracts ----------------------------------------------------------------------------------


def test_openapi_has_no_errors(default_run):
    proc, results = default_run
    errors = [r for r in results if r["severity"] == 0 and Path(r["source"]) == OPENAPI]
    assert errors == [], proc.stdout
    assert "spec/openapi.yaml: 0 errors" in proc.stdout


@pytest.mark.skipif(not ASYNCAPI.exists(), reason="spec/asyncapi.yaml not written yet")
def test_asyncapi_has_no_errors(default_run):
    proc, results = default_run
    errors = [r for r in results if r["severity"] == 0 and Path(r["source"]) == ASYNCAPI]
    assert errors == [], proc.stdout
    assert "spec/asyncapi.yaml: 0 errors" in proc.stdout


def test_default_run_lints_every_contract_and_passes(default_run):
    proc, _ = default_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "lint: OK" in proc.stdout
    assert ("spec/asyncapi.yaml:" in proc.stdout) == ASYNCAPI.exists()


# --- one fixture per custom rule -------------------------------------------------------------------------


def test_every_custom_rule_has_a_violation_fixture():
    ruleset = yaml.safe_load((REPO_ROOT / ".spectral.yaml").read_text())
    custom = {name for name in ruleset["rules"] if name.startswith("cooud-")}
    covered = {rule for rule, _ in VIOLATIONS.values()}
    assert custom == covered
    for name in custom:
        assert ruleset["rules"][name]["severity"] == "error", name


def test_fixture_run_fails(fixture_run):
    proc, _ = fixture_run
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "lint: FAILED" in proc.stdout


@pytest.mark.parametrize("fixture", sorted(VIOLATIONS))
def test_violation_fixture_fails_with_its_rule(fixture_run, fixture):
    proc, results = fixture_run
    rule, allowed = VIOLATIONS[fixture]
    codes = errors_by_file(results).get(fixture, set())
    assert rule in codes, f"{fixture}: expected {rule}, got {sorted(codes)}"
    assert codes <= {rule} | allowed, f"{fixture}: unexpected errors {sorted(codes - {rule} - allowed)}"
    section = stylish_sections(proc.stdout).get(fixture, "")
    assert rule in section and "error" in section, proc.stdout


@pytest.mark.parametrize("fixture", CONTROLS)
def test_control_fixture_has_no_errors(fixture_run, fixture):
    proc, results = fixture_run
    assert errors_by_file(results).get(fixture, set()) == set(), proc.stdout
    assert f"{fixture}: 0 errors" in proc.stdout


def test_document_of_unknown_format_is_an_error(fixture_run):
    _, results = fixture_run
    assert errors_by_file(results).get(NOT_A_CONTRACT) == {"unrecognized-format"}


def test_cli_exit_status_for_a_single_document():
    passing = run_cli(str(FIXTURES / "control.yaml"))
    assert passing.returncode == 0, passing.stdout + passing.stderr
    failing = run_cli(str(FIXTURES / "violates-cooud-idempotency-key.yaml"))
    assert failing.returncode == 1
    assert "cooud-idempotency-key" in failing.stdout


# --- setup problems --------------------------------------------------------------------------------------


def test_missing_node_modules_says_run_npm_ci(tmp_path, capsys):
    assert lint.main(["--node-modules", str(tmp_path / "node_modules"), str(OPENAPI)]) == 2
    assert "npm ci" in capsys.readouterr().err


def test_missing_document_is_a_setup_error(tmp_path, capsys):
    assert lint.main([str(tmp_path / "nope.yaml")]) == 2
    assert "No such document" in capsys.readouterr().err
