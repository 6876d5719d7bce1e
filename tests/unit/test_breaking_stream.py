"""Tests for tools/breaking_stream.py: the stream contract against its released copy, then mutations of deep
copies of the working contract (and of the REST document its payloads refer to), through ``diff`` and
through the one CLI, ``python -m tools.breaking`` (exit 1 without a major bump, 0 with one)."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from tools import breaking, breaking_stream
from tools.breaking import BREAKING, NON_BREAKING, Change, SpecError

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO / "spec"
RELEASED_DIR = SPEC_DIR / "released"
HEAD = breaking_stream.load(SPEC_DIR / "asyncapi.yaml")
RELEASED = breaking_stream.load(RELEASED_DIR / "asyncapi.yaml")


def head() -> dict:
    return copy.deepcopy(HEAD)


def schemas(doc: dict) -> dict:
    return doc["components"]["schemas"]


def changes_of(mutated: dict, folder: Path = SPEC_DIR) -> list[Change]:
    """Changes from the working contract to ``mutated`` (whose cross-file refs resolve in ``folder``)."""
    return breaking_stream.diff(HEAD, mutated, SPEC_DIR, folder)


def breaking_of(changes: list[Change]) -> list[Change]:
    return [c for c in changes if c.kind == BREAKING]


def assert_breaking(changes: list[Change], operation: str, text: str, rule: str | None = None) -> None:
    hits = [c for c in breaking_of(changes) if c.operation == operation and text in c.message]
    assert hits, f"no breaking change on {operation!r} mentioning {text!r} in:\n" + "\n".join(map(str, changes))
    if rule is not None:
        assert any(c.rule == rule for c in hits), hits


# -- the real documents ----------------------------------------------------------------------------


def test_released_to_head_is_additive() -> None:
    changes = breaking_stream.diff(RELEASED, HEAD, RELEASED_DIR, SPEC_DIR)
    assert breaking_of(changes) == []
    rules = {c.rule for c in changes}
    assert {"version-changed", "operation-added", "message-added", "close-code-added"} <= rules
    assert Change(NON_BREAKING, "operation receiveAuth", "operation added", "operation-added") in changes


def test_identical_documents_have_no_changes() -> None:
    assert changes_of(head()) == []


def test_released_copy_resolves_refs_beside_itself() -> None:
    # The released stream document's ./openapi.yaml is spec/released/openapi.yaml, not spec/openapi.yaml.
    synthetic = breaking_stream.to_openapi(RELEASED, RELEASED_DIR)
    released_rest = breaking.load(RELEASED_DIR / "openapi.yaml")
    assert synthetic["components"]["schemas"]["openapi.Error"]["required"] == (
        released_rest["components"]["schemas"]["Error"]["required"]
    )


def test_synthetic_document_is_openapi_3_0() -> None:
    from openapi_spec_validator import validate

    synthetic = breaking_stream.to_openapi(HEAD, SPEC_DIR)
    validate(synthetic)
    assert synthetic["openapi"].startswith("3.0.")
    paths = synthetic["paths"]
    assert "requestBody" in paths["/receiveSubscribe/receive/subscribeRequest"]["post"]
    assert "200" in paths["/receiveSubscribe/reply/error"]["get"]["responses"]
    assert "200" in paths["/sendOrderbook/send/bookDelta"]["get"]["responses"]
    components = synthetic["components"]["schemas"]
    assert components["SubscribeRequestPayload"]["properties"]["op"]["enum"] == ["subscribe"]  # const → enum
    assert "const" not in json.dumps(components)
    assert components["ReplyId"]["type"] == "string" and components["ReplyId"]["nullable"] is True
    assert components["PongPayload"]["properties"]["ts"] == {"$ref": "#/components/schemas/openapi.Timestamp"}
    assert "openapi.Order" in components and "openapi.OrderStatus" in components  # transitive, inlined
    refs = [v for v in _walk_refs(synthetic)]
    assert refs and all(r.startswith("#/components/schemas/") for r in refs)


def _walk_refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _walk_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_refs(value)


# -- breaking mutations ----------------------------------------------------------------------------


def test_request_field_made_required() -> None:
    doc = head()
    schemas(doc)["SubscribeRequestPayload"]["required"].append("id")
    changes = changes_of(doc)
    assert_breaking(
        changes, "operation receiveSubscribe: receives 'subscribeRequest'", "property 'id' became required",
        "property-became-required",
    )


def test_request_pattern_narrowed() -> None:
    doc = head()
    schemas(doc)["ClientRequestId"]["pattern"] = "^[a-z0-9-]+$"
    schemas(doc)["ClientRequestId"]["maxLength"] = 32
    changes = changes_of(doc)
    operation = "operation receivePing: receives 'pingRequest'"
    assert_breaking(changes, operation, "property 'id' pattern", "schema-pattern-changed")
    assert_breaking(changes, operation, "maxLength 64 → 32 (tightened)", "schema-maxLength-changed")


def test_request_const_changed() -> None:
    doc = head()
    schemas(doc)["PingRequestPayload"]["properties"]["op"]["const"] = "ping2"
    assert_breaking(changes_of(doc), "operation receivePing: receives 'pingRequest'", "enum value 'ping' removed")


def test_sent_payload_gains_an_enum_value() -> None:
    doc = head()
    schemas(doc)["AuthReplyPayload"]["properties"]["result"]["properties"]["method"]["enum"].append("password")
    assert_breaking(
        changes_of(doc), "operation receiveAuth: replies with 'authReply'", "enum value 'password' added",
        "schema-enum-value-added",
    )


def test_sent_payload_loses_a_required_field() -> None:
    doc = head()
    schemas(doc)["HeartbeatPayload"]["required"].remove("ts")
    assert_breaking(
        changes_of(doc), "operation sendHeartbeat: sends 'heartbeat'", "property 'ts' is no longer required",
        "property-no-longer-required",
    )


def test_sent_payload_becomes_nullable_through_a_type_list() -> None:
    doc = head()
    schemas(doc)["OrderbookChannel"]["type"] = ["string", "null"]
    assert_breaking(changes_of(doc), "operation sendOrderbook: sends 'bookSnapshot'", "became nullable")


def test_change_in_the_rest_schema_reaches_the_stream(tmp_path: Path) -> None:
    # A new order status in openapi.yaml widens the `order` frame the server sends.
    rest = breaking.load(SPEC_DIR / "openapi.yaml")
    rest["components"]["schemas"]["OrderStatus"]["enum"].append("suspended")
    (tmp_path / "openapi.yaml").write_text(json.dumps(rest), encoding="utf-8")
    changes = changes_of(head(), tmp_path)
    assert_breaking(changes, "operation sendOrders: sends 'order'", "enum value 'suspended' added")


def test_message_removed() -> None:
    doc = head()
    del doc["channels"]["stream"]["messages"]["pong"]
    doc["operations"]["receivePing"]["reply"]["messages"] = [{"$ref": "#/channels/stream/messages/error"}]
    changes = changes_of(doc)
    assert_breaking(changes, "channel stream", "message 'pong' removed", "message-removed")
    assert_breaking(changes, "operation receivePing", "reply message 'pong' no longer sent", "message-removed")


def test_reply_message_added_to_an_existing_operation() -> None:
    doc = head()
    doc["operations"]["receivePing"]["reply"]["messages"].append({"$ref": "#/channels/stream/messages/heartbeat"})
    assert_breaking(changes_of(doc), "operation receivePing", "reply message 'heartbeat' now sent", "message-added")


def test_operation_and_channel_removed() -> None:
    doc = head()
    del doc["operations"]["sendTicker"]
    changes = changes_of(doc)
    assert_breaking(changes, "operation sendTicker", "operation removed", "operation-removed")
    doc = head()
    doc["channels"]["stream"]["address"] = "/stream"
    assert_breaking(changes_of(doc), "channel stream", "address", "channel-address-changed")


def test_close_code_removed_or_redefined() -> None:
    doc = head()
    codes = doc["channels"]["stream"]["x-cooud-close-codes"]
    codes[:] = [c for c in codes if c["code"] != 4008]
    assert_breaking(changes_of(doc), "channel stream", "close code 4008", "close-code-removed")
    doc = head()
    doc["channels"]["stream"]["x-cooud-close-codes"][4]["reason"] = "rate limited"
    assert_breaking(changes_of(doc), "channel stream", "close code 4000 now means 'rate limited'", "close-code-changed")
    doc = head()
    doc["channels"]["stream"]["x-cooud-close-codes"][4]["reason"] = "Idle  Timeout"  # same meaning
    assert breaking_of(changes_of(doc)) == []


def test_server_removed() -> None:
    doc = head()
    del doc["servers"]["local"]
    doc["channels"]["stream"]["servers"] = [{"$ref": "#/servers/production"}]
    changes = changes_of(doc)
    assert_breaking(changes, "(document)", "server ws://127.0.0.1:8080/v1/ws removed", "server-removed")
    assert_breaking(changes, "channel stream", "no longer available on server 'local'", "channel-server-removed")


def test_correlation_id_removed() -> None:
    doc = head()
    del doc["components"]["messages"]["Pong"]["correlationId"]
    assert_breaking(changes_of(doc), "channel stream", "message 'pong' correlationId", "correlation-id-changed")


# -- non-breaking mutations ------------------------------------------------------------------------


def test_additive_changes_are_not_breaking() -> None:
    doc = head()
    schemas(doc)["PingRequestPayload"]["properties"]["note"] = {"type": "string", "maxLength": 10}  # optional
    schemas(doc)["PongPayload"]["properties"]["server"] = {"type": "string"}  # new response field
    schemas(doc)["ClientRequestId"]["maxLength"] = 128  # request widened
    schemas(doc)["AuthReplyPayload"]["properties"]["result"]["properties"]["method"]["enum"].remove("bearer")
    doc["channels"]["stream"]["x-cooud-close-codes"].append({"code": 4029, "reason": "rate limited"})
    doc["components"]["messages"]["Heartbeat"]["summary"] = "A heartbeat."
    doc["operations"]["sendHeartbeat"]["description"] = "Every 15 s."
    changes = changes_of(doc)
    assert breaking_of(changes) == [], "\n".join(map(str, breaking_of(changes)))
    rules = {c.rule for c in changes}
    assert {"property-added", "schema-maxLength-changed", "schema-enum-value-removed", "close-code-added"} <= rules


def test_a_channel_name_appended_to_the_pattern_is_additive() -> None:
    """A new channel: the subscribe/unsubscribe requests accept more, and their replies echo only what the request
    sent (`x-cooud-echoes`), so the same widening there is not breaking either."""
    doc = head()
    schemas(doc)["ChannelName"]["pattern"] += "|^positions$"
    changes = changes_of(doc)
    assert breaking_of(changes) == [], "\n".join(map(str, breaking_of(changes)))
    widened = {c.operation for c in changes if c.rule == "schema-pattern-changed"}
    assert widened == {f"operation {o}: {how}" for o, how in [
        ("receiveSubscribe", "receives 'subscribeRequest'"), ("receiveSubscribe", "replies with 'subscribeReply'"),
        ("receiveUnsubscribe", "receives 'unsubscribeRequest'"),
        ("receiveUnsubscribe", "replies with 'unsubscribeReply'")]}


def test_a_channel_name_written_inside_the_pattern_is_a_changed_pattern() -> None:
    doc = head()
    schemas(doc)["ChannelName"]["pattern"] = schemas(doc)["ChannelName"]["pattern"].replace(
        "(orders|balances|withdrawals)", "(orders|balances|withdrawals|positions)")
    assert_breaking(changes_of(doc), "operation receiveSubscribe: receives 'subscribeRequest'",
                    "property 'args[]' pattern", "schema-pattern-changed")


def test_an_echoed_reply_property_is_judged_as_the_request() -> None:
    """Without the marker the reply's channel list is a response like any other: widening it breaks clients."""
    doc = head()
    del schemas(doc)["ChannelsResult"]["properties"]["channels"]["x-cooud-echoes"]
    schemas(doc)["ChannelName"]["pattern"] += "|^positions$"
    assert_breaking(changes_of(doc), "operation receiveSubscribe: replies with 'subscribeReply'",
                    "property 'result.channels[]' pattern", "schema-pattern-changed")
    doc = head()
    schemas(doc)["ChannelName"]["maxLength"] = 32  # narrowed: the reply could no longer echo every valid request
    assert_breaking(changes_of(doc), "operation receiveSubscribe: replies with 'subscribeReply'",
                    "property 'result.channels[]' maxLength 64 → 32", "schema-maxLength-changed")


# -- errors and the CLI ----------------------------------------------------------------------------


def test_remote_ref_is_rejected() -> None:
    doc = head()
    schemas(doc)["PongPayload"]["properties"]["ts"] = {"$ref": "https://example.com/openapi.yaml#/Timestamp"}
    with pytest.raises(SpecError, match="only local file"):
        changes_of(doc)


def _write_head(tmp_path: Path, doc: dict) -> Path:
    shutil.copy(SPEC_DIR / "openapi.yaml", tmp_path / "openapi.yaml")
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def run_cli(tmp_path: Path, doc: dict, *extra: str) -> int:
    path = _write_head(tmp_path, doc)
    return breaking.main(
        ["--only", "asyncapi", "--asyncapi-base", str(SPEC_DIR / "asyncapi.yaml"), "--asyncapi-head", str(path),
         *extra]
    )


def _drop_close_code(doc: dict) -> dict:
    doc["channels"]["stream"]["x-cooud-close-codes"].pop()
    return doc


def test_cli_fails_on_a_breaking_change(tmp_path: Path, capsys) -> None:
    assert run_cli(tmp_path, _drop_close_code(head())) == 1
    out = capsys.readouterr().out
    assert "AsyncAPI: Comparing" in out
    assert "BREAKING  channel stream: close code 4008 (slow consumer) removed" in out
    assert "FAIL:" in out


def test_major_bump_makes_breaking_changes_informational(tmp_path: Path, capsys) -> None:
    doc = _drop_close_code(head())
    doc["info"]["version"] = "2.0.0"
    assert run_cli(tmp_path, doc) == 0
    out = capsys.readouterr().out
    assert "BREAKING  channel stream: close code 4008" in out and "major version increased" in out


def test_cli_json_and_both_documents(tmp_path: Path, capsys) -> None:
    path = _write_head(tmp_path, _drop_close_code(head()))
    code = breaking.main(["--asyncapi-base", str(SPEC_DIR / "asyncapi.yaml"), "--asyncapi-head", str(path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["ok"] is False
    assert report["document"] == "openapi" and report["breaking"] == 0  # the REST check ran too, and passed
    stream = report["asyncapi"]
    assert stream["ok"] is False and stream["breaking"] == 1 and stream["major_increased"] is False
    assert stream["changes"][0]["rule"] == "close-code-removed"


def test_cli_unreadable_stream_document_exits_2(tmp_path: Path) -> None:
    assert breaking.main(["--only", "asyncapi", "--asyncapi-head", str(tmp_path / "missing.yaml")]) == 2
    doc = head()
    schemas(doc)["PongPayload"]["properties"]["ts"] = {"$ref": "./nowhere.yaml#/components/schemas/Timestamp"}
    assert run_cli(tmp_path, doc) == 2


def test_default_cli_checks_both_documents(capsys) -> None:
    assert breaking.main([]) == 0
    out = capsys.readouterr().out
    assert "spec/released/openapi.yaml" in out and "spec/released/asyncapi.yaml" in out
