"""Schemathesis' CLI, all checks and phases (schemathesis.toml), against a live server started with `make run`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.live
def test_schemathesis_cli_against_live_server(live_server):
    st = Path(sys.executable).parent / "st"
    env = dict(os.environ, SCHEMATHESIS_HOOKS="tests.contract.hooks", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [str(st), "--config-file", str(ROOT / "schemathesis.toml"), "--no-color", "run",
         f"{live_server}/v1/openapi.json", "--checks", "all"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "No issues found" in output, output
    assert "Selected: 8/8" in output and "error_envelope_conformance" not in output.split("SUMMARY")[-1]
