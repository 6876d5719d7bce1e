"""tools.check_examples: every example in the real contracts validates; a bad one anywhere is reported by pointer.

Broken documents are copies in tmp_path, edited as data (load, change, dump).
"""

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import check_examples

REPO = Path(__file__).resolve().parents[2]
MARKETS_EXAMPLE = "/paths/~1markets/get/responses/200/content/application~1json/example"


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


def run(openapi: Path, asyncapi: Path) -> int:
    return check_examples.main(["--openapi", str(openapi), "--asyncapi", str(asyncapi)])


def markets_example(doc: dict) -> dict:
    return doc["paths"]["/markets"]["get"]["responses"]["200"]["content"]["application/json"]["example"]


def message_example(doc: dict, message: str, index: int = 0) -> dict:
    return doc["components"]["messages"][message]["examples"][index]["payload"]


def test_real_documents_pass(capsys):
    assert check_examples.main([]) == 0
    out = capsys.readouterr().out
    counts = [int(line.split(": ")[1].split()[0]) for line in out.splitlines() if "example(s) checked" in line]
    assert len(counts) == 2 and all(n > 0 for n in counts)


def test_round_tripped_copy_still_passes(tmp_path):
    openapi, asyncapi = copy_specs(tmp_path)
    edit(openapi, lambda d: None)
    edit(asyncapi, lambda d: None)
    assert run(openapi, asyncapi) == 0


OPENAPI_BREAKAGES = {
    "media-type-example": (lambda d: markets_example(d)["data"][0].update(tick_size="0.0.1"),
                           MARKETS_EXAMPLE + "/data/0/tick_size"),
    "schema-example": (lambda d: d["components"]["schemas"]["Decimal"].update(example="-1"),
                       "/components/schemas/Decimal/example"),
    "parameter-example": (lambda d: d["components"]["parameters"]["Symbol"].update(example="btc-usdt"),
                          "/components/parameters/Symbol/example"),
    "header-example": (lambda d: d["components"]["headers"]["X-Request-Id"].update(example="nope"),
                       "/components/headers/X-Request-Id/example"),
    "named-examples": (lambda d: d["paths"]["/markets/{symbol}/ticker"]["get"]["responses"]["200"]["content"]
                       ["application/json"]["examples"]["quiet"]["value"].update(volume=None),
                       "/examples/quiet/value/volume"),
    "yaml-timestamp": (lambda d: markets_example(d).update(
                           data=[{**markets_example(d)["data"][0],
                                  "symbol": datetime.datetime(2026, 5, 18, tzinfo=datetime.UTC)}]),
                       MARKETS_EXAMPLE + "/data/0/symbol"),
}


@pytest.mark.parametrize(("change", "pointer"), OPENAPI_BREAKAGES.values(), ids=OPENAPI_BREAKAGES.keys())
def test_bad_openapi_example_fails(tmp_path, capsys, change, pointer):
    openapi, asyncapi = copy_specs(tmp_path)
    edit(openapi, change)
    assert run(openapi, asyncapi) == 1
    err = capsys.readouterr().err
    assert pointer in err, err


def test_example_behind_a_components_examples_ref_is_checked(tmp_path, capsys):
    def change(d):
        d["components"]["examples"] = {"BadMarkets": {"value": {"data": [{"symbol": "nope"}]}}}
        content = d["paths"]["/markets"]["get"]["responses"]["200"]["content"]["application/json"]
        content.pop("example")
        content["examples"] = {"bad": {"$ref": "#/components/examples/BadMarkets"}}

    openapi, asyncapi = copy_specs(tmp_path)
    edit(openapi, change)
    assert run(openapi, asyncapi) == 1
    assert "/components/examples/BadMarkets/value/data/0" in capsys.readouterr().err


ASYNCAPI_BREAKAGES = {
    "bad-channel-name": (lambda d: message_example(d, "SubscribeRequest").update(args=["orderbook.btc-usdt"]),
                         "/components/messages/SubscribeRequest/examples/0/payload/args/0"),
    "closed-request": (lambda d: message_example(d, "PingRequest").update(extra=1),
                       "/components/messages/PingRequest/examples/0/payload"),
    "cross-file-pattern": (lambda d: message_example(d, "Pong").update(ts="2026-05-18 12:04"),
                           "/components/messages/Pong/examples/0/payload/ts"),
    "cross-file-format": (lambda d: message_example(d, "Heartbeat").update(ts="2026-13-18T12:04:15.000Z"),
                          "/components/messages/Heartbeat/examples/0/payload/ts"),
    "cross-file-error-object": (lambda d: message_example(d, "ErrorMessage")["error"].pop("request_id"),
                                "/components/messages/ErrorMessage/examples/0/payload/error"),
    "wrong-op": (lambda d: message_example(d, "Heartbeat").update(op="heartbeet"),
                 "/components/messages/Heartbeat/examples/0/payload/op"),
    "too-many-channels": (lambda d: message_example(d, "SubscribeRequest").update(
                              args=[f"ticker.T{i:03d}/USDT" for i in range(257)]),
                          "/components/messages/SubscribeRequest/examples/0/payload/args"),
    "schema-examples": (lambda d: d["components"]["schemas"]["ChannelName"]["examples"].append("nope"),
                        "/components/schemas/ChannelName/examples/3"),
}


@pytest.mark.parametrize(("change", "pointer"), ASYNCAPI_BREAKAGES.values(), ids=ASYNCAPI_BREAKAGES.keys())
def test_bad_asyncapi_example_fails(tmp_path, capsys, change, pointer):
    openapi, asyncapi = copy_specs(tmp_path)
    edit(asyncapi, change)
    assert run(openapi, asyncapi) == 1
    err = capsys.readouterr().err
    assert pointer in err, err


def test_dangling_external_ref_fails(tmp_path, capsys):
    openapi, asyncapi = copy_specs(tmp_path)
    edit(asyncapi, lambda d: d["components"]["schemas"]["PongPayload"]["properties"]["ts"].update(
        {"$ref": "./openapi.yaml#/components/schemas/NoSuchSchema"}))
    assert run(openapi, asyncapi) == 1
    assert "/components/messages/Pong/examples/0/payload: its schema has a $ref to nothing" in capsys.readouterr().err


def test_no_examples_is_a_failure(tmp_path, capsys):
    openapi, asyncapi = copy_specs(tmp_path)
    openapi.write_text(yaml.safe_dump({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}))
    assert run(openapi, asyncapi) == 1
    assert "no examples found" in capsys.readouterr().err


def test_nullable_is_honoured_only_with_a_type():
    doc = check_examples.normalise_openapi({
        "a": {"type": "string", "nullable": True, "enum": ["x"]},
        "b": {"allOf": [{"$ref": "#/x"}], "nullable": True},
        "c": {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
        "properties": {"nullable": {"type": "string"}},
    })
    assert doc["a"] == {"type": ["string", "null"], "nullable": True, "enum": ["x", None]}
    assert doc["b"] == {"allOf": [{"$ref": "#/x"}], "nullable": True}
    assert doc["c"] == {"type": "integer", "exclusiveMinimum": 1}
    assert doc["properties"] == {"nullable": {"type": "string"}}


def test_int_formats_are_checked():
    checker = check_examples._format_checker()
    assert checker.conforms(2**31 - 1, "int32") and not checker.conforms(2**31, "int32")
    assert checker.conforms(-(2**63), "int64") and not checker.conforms(2**63, "int64")
    assert not checker.conforms("2026-13-01T00:00:00Z", "date-time")


def test_cli_subprocess():
    done = subprocess.run([sys.executable, "-m", "tools.check_examples"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("example(s) checked") == 2
