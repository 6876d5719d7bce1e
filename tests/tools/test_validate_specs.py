"""tools.validate_specs: the real contracts pass; structurally broken copies and dangling $refs fail.

Broken documents are copies in tmp_path, edited as data (load, change, dump) so the tests do not depend on the
exact text of spec/*.yaml.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import validate_specs

REPO = Path(__file__).resolve().parents[2]


def copy_specs(tmp_path: Path) -> tuple[Path, Path]:
    spec = tmp_path / "spec"
    spec.mkdir()
    for name in ("openapi.yaml", "asyncapi.yaml"):
        shutil.copy(REPO / "spec" / name, spec / name)
    return spec / "openapi.yaml", spec / "asyncapi.yaml"


def edit(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def run(openapi: Path, asyncapi: Path, *extra: str) -> int:
    return validate_specs.main(["--openapi", str(openapi), "--asyncapi", str(asyncapi), *extra])


def test_real_documents_pass(capsys):
    assert validate_specs.main([]) == 0
    out = capsys.readouterr().out
    assert out.count("OK ") == 2
    assert "cross-file" in out


def test_round_tripped_copy_still_passes(tmp_path):
    """The edit() helper itself must not break a document, or the failure tests below prove nothing."""
    openapi, asyncapi = copy_specs(tmp_path)
    edit(openapi, lambda d: None)
    edit(asyncapi, lambda d: None)
    assert run(openapi, asyncapi) == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["operations"]["sendHeartbeat"].update(action="publish"), "/operations/sendHeartbeat/action"),
        (lambda d: d["servers"]["production"].pop("protocol"), "/servers/production"),
        (lambda d: d["channels"]["stream"].update(address=5), "/channels/stream"),
        (lambda d: d["components"]["messages"]["Pong"]["examples"][0].update(value=1), "/components/messages/Pong"),
        (lambda d: d.update(asyncapi="2.6.0"), "/asyncapi"),
        (lambda d: d["info"].pop("title"), "/info"),
    ],
    ids=["v2-action", "no-protocol", "address-not-string", "bad-example-key", "wrong-version", "no-title"],
)
def test_broken_asyncapi_structure_fails(tmp_path, capsys, change, expected):
    openapi, asyncapi = copy_specs(tmp_path)
    edit(asyncapi, change)
    assert run(openapi, asyncapi) == 1
    err = capsys.readouterr().err
    assert "FAIL AsyncAPI" in err and expected in err


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(openapi="3.1.0"), "/openapi"),
        (lambda d: d["info"].pop("title"), "title"),
        (lambda d: d.update(bogus=True), "bogus"),
        (lambda d: d["paths"]["/time"]["get"].pop("responses"), "responses"),
    ],
    ids=["3.1", "no-title", "unknown-field", "no-responses"],
)
def test_broken_openapi_structure_fails(tmp_path, capsys, change, expected):
    openapi, asyncapi = copy_specs(tmp_path)
    edit(openapi, change)
    assert run(openapi, asyncapi) == 1
    err = capsys.readouterr().err
    assert "FAIL OpenAPI" in err and expected in err


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("./openapi.yaml#/components/schemas/NoSuchSchema", "points at nothing in openapi.yaml"),
        ("./missing.yaml#/components/schemas/Error", "cannot read"),
        ("https://example.com/openapi.yaml#/components/schemas/Error", "remote refs are not allowed"),
    ],
    ids=["missing-target", "missing-file", "remote"],
)
def test_dangling_external_ref_fails(tmp_path, capsys, ref, expected):
    openapi, asyncapi = copy_specs(tmp_path)
    payload = "ErrorMessagePayload"
    edit(asyncapi, lambda d: d["components"]["schemas"][payload]["properties"]["error"].update({"$ref": ref}))
    assert run(openapi, asyncapi) == 1
    err = capsys.readouterr().err
    assert expected in err and "ErrorMessagePayload/properties/error/$ref" in err


def test_dangling_ref_inside_the_openapi_target_fails(tmp_path, capsys):
    """Refs are followed transitively: Error -> RequestId must exist too."""
    openapi, asyncapi = copy_specs(tmp_path)
    edit(openapi, lambda d: d["components"]["schemas"].pop("RequestId"))
    assert run(openapi, asyncapi) == 1
    err = capsys.readouterr().err
    assert "FAIL AsyncAPI" in err and "RequestId" in err


def test_duplicate_yaml_key_fails(tmp_path, capsys):
    openapi, asyncapi = copy_specs(tmp_path)
    asyncapi.write_text("asyncapi: 3.0.0\n" + asyncapi.read_text(encoding="utf-8"), encoding="utf-8")
    assert run(openapi, asyncapi) == 1
    assert "duplicate key 'asyncapi'" in capsys.readouterr().err


def test_missing_node_modules_says_npm_ci(tmp_path, capsys):
    assert validate_specs.main(["--node-modules", str(tmp_path)]) == 1
    assert "npm ci" in capsys.readouterr().err


def test_meta_schema_validation_is_real():
    """A minimal document passes and an empty one does not: the $id-based refs resolve and are applied."""
    validator = validate_specs.load_asyncapi_validator(validate_specs.DEFAULT_NODE_MODULES)
    assert list(validator.iter_errors({"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"}})) == []
    assert list(validator.iter_errors({"asyncapi": "3.0.0", "info": {"title": "t", "version": "1"},
                                       "channels": {"c": {"messages": {"m": {"payload": {"type": 7}}}}}}))


def test_cli_subprocess():
    done = subprocess.run([sys.executable, "-m", "tools.validate_specs"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("OK ") == 2


def test_cli_subprocess_failure(tmp_path):
    openapi, asyncapi = copy_specs(tmp_path)
    edit(asyncapi, lambda d: d.pop("info"))
    done = subprocess.run([sys.executable, "-m", "tools.validate_specs", "--openapi", str(openapi),
                           "--asyncapi", str(asyncapi)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "FAIL AsyncAPI" in done.stderr


def test_operation_message_from_another_channel_fails(tmp_path, capsys):
    openapi, asyncapi = copy_specs(tmp_path)
    edit(asyncapi, lambda d: d["operations"]["receivePing"]["reply"]["messages"].append(
        {"$ref": "#/components/messages/Heartbeat"}))
    assert run(openapi, asyncapi) == 1
    assert "/operations/receivePing/reply/messages/2" in capsys.readouterr().err
