"""Schemathesis' CLI, all checks and phases (schemathesis.toml), against a live server started with `make run`,
with requests signed by a real API key (tests/contract/hooks.py) for an account made with the operator CLI.
Another seed for one run: `COOUD_SCHEMATHESIS_SEED=4242 python -m pytest ...`, as for the in-process run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generated.operations import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.live
def test_schemathesis_cli_against_live_server(live_server):
    run_schemathesis_cli(live_server, dict(os.environ, COOUD_DATABASE=live_server.database))


def run_schemathesis_cli(base: str, operator_env: dict[str, str]) -> None:
    """Schemathesis' CLI, all checks, against `base`, signed in as an account made with the operator CLI run with
    `operator_env` (the deployment's database and master key); asserts no failure and every operation selected."""
    bin_dir = Path(sys.executable).parent
    email, password = "schemathesis-cli@example.com", "conformance-password"
    subprocess.run([sys.executable, "-m", "impl.cli", "user", "create", "--email", email, "--password", password],
                   cwd=ROOT, env=operator_env, check=True, capture_output=True, timeout=60)
    st = bin_dir / "st"
    env = dict(os.environ, SCHEMATHESIS_HOOKS="tests.contract.hooks", PYTHONPATH=str(ROOT),
               COOUD_ST_EMAIL=email, COOUD_ST_PASSWORD=password)
    proc = subprocess.run(
        [str(st), "--config-file", str(ROOT / "schemathesis.toml"), "--no-color", "run",
         f"{base}/v1/openapi.json", "--checks", "all",
         *(["--seed", str(int(os.environ["COOUD_SCHEMATHESIS_SEED"]))] if os.environ.get("COOUD_SCHEMATHESIS_SEED")
           else [])],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    # Warnings are allowed (e.g. sign-in with generated passwords "returned only 401"); failures are not.
    assert "FAILURES" not in output and " passed" in output, output
    assert f"Selected: {len(OPERATIONS)}/{len(OPERATIONS)}" in output
    assert "error_envelope_conformance" not in output.split("SUMMARY")[-1]
