"""Tests for tools/breaking.py: the real contract against its released copy, then programmatic mutations
of deep copies of the real contract, one per breaking and non-breaking category, through ``diff`` and
through the CLI (exit 1 without a major bump, 0 with one)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools import breaking  # noqa: E402
from tools.breaking import BREAKING, NON_BREAKING, Change, diff  # noqa: E402

SPEC = REPO / "spec" / "openapi.yaml"
RELEASED = REPO / "spec" / "released" / "openapi.yaml"
ROOT = breaking.load(RELEASED)
METHODS = breaking.HTTP_METHODS
OPERATIONS = sorted(
    f"{method.upper()} {path}" for path, item in ROOT["paths"].items() for method in item if method in METHODS
)


def spec() -> dict:
    return copy.deepcopy(ROOT)


def schemas(doc: dict) -> dict:
    return doc["components"]["schemas"]


def op(doc: dict, path: str, method: str = "get") -> dict:
    return doc["paths"][path][method]


def bump_major(doc: dict) -> dict:
    doc["info"]["version"] = "2.0.0"
    return doc


def breaking_of(changes: list[Change]) -> list[Change]:
    return [c for c in changes if c.kind == BREAKING]


def run_cli(tmp_path: Path, base: dict, head: dict, *extra: str) -> int:
    """Write both documents and run the CLI on them (JSON files: much faster to read than YAML)."""
    bfile, hfile = tmp_path / "base.json", tmp_path / "head.json"
    bfile.write_text(json.dumps(base), encoding="utf-8")
    hfile.write_text(json.dumps(head), encoding="utf-8")
    return breaking.main(["--base", str(bfile), "--head", str(hfile), *extra])


# -- a synthetic write operation (the real contract has no request bodies yet) -----------------------


def with_order_op(doc: dict) -> dict:
    schemas(doc)["NewOrder"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["symbol", "side", "size"],
        "properties": {
            "symbol": {"$ref": "#/components/schemas/Symbol"},
            "side": {"$ref": "#/components/schemas/Side"},
            "size": {"$ref": "#/components/schemas/Decimal"},
            "time_in_force": {"type": "string", "enum": ["gtc", "ioc", "fok"]},
            "client_order_id": {"type": "string", "maxLength": 36, "pattern": "^[A-Za-z0-9_-]+$"},
        },
    }
    doc["paths"]["/orders"] = {
        "post": {
            "operationId": "createOrder",
            "security": [{"bearerAuth": []}],
            "x-cooud-permission": "trade",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewOrder"}}},
            },
            "responses": {
                "201": {
                    "description": "Accepted.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Market"}}},
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    }
    return doc


def new_order(doc: dict) -> dict:
    return schemas(doc)["NewOrder"]


# -- the real contract -----------------------------------------------------------------------------


def test_current_spec_against_released_copy_has_no_breaking_change() -> None:
    assert breaking_of(diff(ROOT, breaking.load(SPEC))) == []
    assert breaking.main(["--base", str(RELEASED), "--head", str(SPEC)]) == 0


def test_identical_documents_have_no_change() -> None:
    assert diff(spec(), spec()) == []


def test_cli_from_repo_root_with_defaults() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.breaking"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 breaking" in result.stdout or "No changes." in result.stdout


# -- breaking mutations ----------------------------------------------------------------------------
# (id, prepare both documents, mutate head, expected rule, expected operation, expected message fragment)


def _drop_tick_size(d: dict) -> None:
    del schemas(d)["Market"]["properties"]["tick_size"]
    schemas(d)["Market"]["required"].remove("tick_size")


def _rename_depth(d: dict) -> None:
    op(d, "/markets/{symbol}/orderbook")["parameters"][1]["name"] = "levels"


def _status_200_to_201(d: dict) -> None:
    responses = op(d, "/time")["responses"]
    responses["201"] = responses.pop("200")


BREAKING_CASES = [
    ("remove-operation", None, lambda d: d["paths"]["/markets/{symbol}/ticker"].pop("get"),
     "operation-removed", "GET /markets/{symbol}/ticker", "operation removed"),
    ("remove-path", None, lambda d: d["paths"].pop("/version"),
     "operation-removed", "GET /version", "path /version removed"),
    ("add-required-query-param", None,
     lambda d: op(d, "/markets/{symbol}")["parameters"].append(
         {"name": "venue", "in": "query", "required": True, "schema": {"type": "string"}}),
     "parameter-added-required", "GET /markets/{symbol}", "new required query parameter 'venue'"),
    ("param-became-required", None, lambda d: d["components"]["parameters"]["Limit"].update(required=True),
     "parameter-became-required", "GET /markets/{symbol}/trades", "query parameter 'limit' became required"),
    ("remove-param", None, lambda d: op(d, "/markets/{symbol}/orderbook")["parameters"].pop(1),
     "parameter-removed", "GET /markets/{symbol}/orderbook", "query parameter 'depth' removed"),
    ("rename-param", None, _rename_depth,
     "parameter-removed", "GET /markets/{symbol}/orderbook", "renamed to 'levels'"),
    ("tighten-param-maxLength", None,
     lambda d: d["components"]["parameters"]["Cursor"]["schema"].update(maxLength=256),
     "schema-maxLength-changed", "GET /markets/{symbol}/trades", "query parameter 'cursor' maxLength 512 → 256"),
    ("tighten-param-maximum", None,
     lambda d: op(d, "/markets/{symbol}/orderbook")["parameters"][1]["schema"].update(maximum=100),
     "schema-maximum-changed", "GET /markets/{symbol}/orderbook", "query parameter 'depth' maximum 500 → 100"),
    ("param-type-changed", None,
     lambda d: d["components"]["parameters"]["Limit"]["schema"].update(type="string"),
     "schema-type-changed", "GET /markets/{symbol}/trades", "query parameter 'limit' type integer → string"),
    ("param-pattern-changed", None,
     lambda d: d["components"]["parameters"]["Symbol"]["schema"].update(pattern="^[A-Z]{2,10}-[A-Z]{2,10}$"),
     "schema-pattern-changed", "GET /markets/{symbol}", "path parameter 'symbol' pattern"),
    ("param-enum-value-removed", None, lambda d: schemas(d)["CandleInterval"]["enum"].remove("1d"),
     "schema-enum-value-removed", "GET /markets/{symbol}/candles",
     "query parameter 'interval' enum value '1d' removed"),
    ("remove-response-property", None, _drop_tick_size,
     "property-removed", "GET /markets/{symbol}", "response 200 property 'tick_size' removed"),
    ("response-property-no-longer-required", None, lambda d: schemas(d)["Ticker"]["required"].remove("ts"),
     "property-no-longer-required", "GET /markets/{symbol}/ticker", "response 200 property 'ts' is no longer required"),
    ("response-enum-value-added", None, lambda d: schemas(d)["MarketStatus"]["enum"].append("delisted"),
     "schema-enum-value-added", "GET /markets/{symbol}", "response 200 property 'status' enum value 'delisted' added"),
    ("response-type-changed", None,
     lambda d: schemas(d)["ServerTime"]["properties"]["unix_ms"].update(type="string"),
     "schema-type-changed", "GET /time", "response 200 property 'unix_ms' type integer → string"),
    ("response-format-changed", None, lambda d: schemas(d)["Timestamp"].update(format="date"),
     "schema-format-changed", "GET /time", "response 200 property 'server_time' format date-time → date"),
    ("response-became-nullable", None,
     lambda d: schemas(d)["ServerTime"]["properties"]["unix_ms"].update(nullable=True),
     "schema-nullable-changed", "GET /time", "response 200 property 'unix_ms' became nullable"),
    ("response-became-nullable-beside-allOf", None,
     lambda d: schemas(d)["Market"]["properties"]["tick_size"].update(nullable=True),
     "schema-nullable-changed", "GET /markets/{symbol}", "response 200 property 'tick_size' became nullable"),
    ("response-ref-swapped-to-nullable", None,
     lambda d: schemas(d)["Ticker"]["properties"].update(symbol={"$ref": "#/components/schemas/NullableDecimal"}),
     "schema-nullable-changed", "GET /markets/{symbol}/ticker", "response 200 property 'symbol' became nullable"),
    ("permission-tightened", None, lambda d: op(d, "/markets").update({"x-cooud-permission": "read"}),
     "permission-changed", "GET /markets", "x-cooud-permission 'public' → 'read'"),
    ("response-pattern-changed-through-allOf", None,
     lambda d: schemas(d)["Decimal"].update(pattern="^[0-9]+(\\.[0-9]+)?$"),
     "schema-pattern-changed", "GET /markets/{symbol}", "response 200 property 'tick_size' pattern"),
    ("response-limit-widened", None,
     lambda d: schemas(d)["OrderBook"]["properties"]["bids"].update(maxItems=1000),
     "schema-maxItems-changed", "GET /markets/{symbol}/orderbook", "property 'bids' maxItems 500 → 1000"),
    ("success-status-removed", None, _status_200_to_201,
     "response-status-removed", "GET /time", "success response 200 removed"),
    ("required-response-header-removed", None,
     lambda d: op(d, "/time")["responses"]["200"]["headers"].pop("X-Request-Id"),
     "response-header-removed", "GET /time", "response 200 required header 'X-Request-Id' removed"),
    ("public-operation-now-authenticated", None,
     lambda d: op(d, "/time").update(security=[{"bearerAuth": []}]),
     "operation-now-authenticated", "GET /time", "public operation now requires credentials"),
    ("error-code-removed", None, lambda d: d["x-cooud-error-catalogue"].pop("market_not_found"),
     "error-code-removed", "(document)", "error code 'market_not_found' removed"),
    ("error-code-status-changed", None, lambda d: d["x-cooud-error-catalogue"]["rate_limited"].update(status=503),
     "error-code-status-changed", "(document)", "error code 'rate_limited' HTTP status 429 → 503"),
    ("request-property-removed", with_order_op, lambda d: new_order(d)["properties"].pop("client_order_id"),
     "property-removed", "POST /orders", "request body property 'client_order_id' removed"),
    ("new-required-request-property", with_order_op,
     lambda d: (new_order(d)["properties"].update(price={"type": "string"}), new_order(d)["required"].append("price")),
     "property-added-required", "POST /orders", "new required request body property 'price'"),
    ("request-property-became-required", with_order_op, lambda d: new_order(d)["required"].append("client_order_id"),
     "property-became-required", "POST /orders", "request body property 'client_order_id' became required"),
    ("request-maxLength-tightened", with_order_op,
     lambda d: new_order(d)["properties"]["client_order_id"].update(maxLength=20),
     "schema-maxLength-changed", "POST /orders", "property 'client_order_id' maxLength 36 → 20"),
    ("request-enum-value-removed", with_order_op,
     lambda d: new_order(d)["properties"]["time_in_force"]["enum"].remove("fok"),
     "schema-enum-value-removed", "POST /orders", "property 'time_in_force' enum value 'fok' removed"),
    ("request-additionalProperties-closed",
     lambda d: new_order(with_order_op(d)).pop("additionalProperties"),
     lambda d: new_order(d).update(additionalProperties=False),
     "schema-additionalProperties-changed", "POST /orders", "additionalProperties closed"),
    ("response-pattern-alternative-appended", None,
     lambda d: schemas(d)["Decimal"].update(pattern=schemas(d)["Decimal"]["pattern"] + "|^-1$"),
     "schema-pattern-changed", "GET /markets/{symbol}", "response 200 property 'tick_size' pattern"),
    ("request-pattern-alternative-inside-a-group", with_order_op,
     lambda d: new_order(d)["properties"]["client_order_id"].update(pattern="^[A-Za-z0-9_-]+$|^(a|b$"),
     "schema-pattern-changed", "POST /orders", "property 'client_order_id' pattern"),
    ("request-body-became-required",
     lambda d: op(with_order_op(d), "/orders", "post")["requestBody"].update(required=False),
     lambda d: op(d, "/orders", "post")["requestBody"].update(required=True),
     "request-body-became-required", "POST /orders", "request body became required"),
]


def _case_docs(prepare, mutate) -> tuple[dict, dict]:
    base = spec()
    if prepare is not None:
        prepare(base)
    head = copy.deepcopy(base)
    mutate(head)
    return base, head


@pytest.mark.parametrize(
    ("prepare", "mutate", "rule", "operation", "fragment"),
    [case[1:] for case in BREAKING_CASES],
    ids=[case[0] for case in BREAKING_CASES],
)
def test_breaking_mutation_is_detected(prepare, mutate, rule, operation, fragment, tmp_path) -> None:
    base, head = _case_docs(prepare, mutate)
    found = [c for c in breaking_of(diff(base, head)) if c.rule == rule and c.operation == operation]
    assert found, f"no breaking {rule} on {operation}: {diff(base, head)}"
    assert any(fragment in c.message for c in found), [c.message for c in found]

    assert run_cli(tmp_path, base, head) == 1
    assert run_cli(tmp_path, base, bump_major(head)) == 0


def test_breaking_output_lists_the_change_and_fails(tmp_path, capsys) -> None:
    base, head = spec(), spec()
    _drop_tick_size(head)
    assert run_cli(tmp_path, base, head) == 1
    out = capsys.readouterr().out
    assert "BREAKING  GET /markets/{symbol}: response 200 property 'tick_size' removed" in out
    assert "FAIL:" in out


def test_major_bump_prints_breaking_changes_as_information(tmp_path, capsys) -> None:
    base, head = spec(), spec()
    _drop_tick_size(head)
    assert run_cli(tmp_path, base, bump_major(head)) == 0
    out = capsys.readouterr().out
    assert "BREAKING  GET /markets/{symbol}: response 200 property 'tick_size' removed" in out
    assert "major version increased" in out


def test_json_output(tmp_path, capsys) -> None:
    base, head = spec(), spec()
    _drop_tick_size(head)
    op(head, "/time")["x-cooud-errors"].append("service_unavailable")
    assert run_cli(tmp_path, base, head, "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["major_increased"] is False
    assert report["base"]["version"] == report["head"]["version"] == ROOT["info"]["version"]
    assert report["breaking"] >= 1 and report["non_breaking"] >= 1
    assert {"kind", "operation", "message", "rule"} <= set(report["changes"][0])
    assert {
        "kind": BREAKING,
        "operation": "GET /markets/{symbol}",
        "message": "response 200 property 'tick_size' removed",
        "rule": "property-removed",
    } in report["changes"]


def test_unreadable_document_exits_2(tmp_path) -> None:
    assert breaking.main(["--base", str(tmp_path / "missing.yaml"), "--head", str(SPEC)]) == 2
    remote = spec()
    op(remote, "/time")["responses"]["200"]["content"]["application/json"]["schema"] = {"$ref": "other.yaml#/X"}
    assert run_cli(tmp_path, spec(), remote) == 2


# -- non-breaking mutations ------------------------------------------------------------------------


def _add_operation(d: dict) -> None:
    d["paths"]["/markets/{symbol}/stats"] = {"get": copy.deepcopy(op(d, "/markets/{symbol}/ticker"))}
    d["paths"]["/markets/{symbol}/stats"]["get"]["operationId"] = "getStats"


def _add_response_property(d: dict) -> None:
    schemas(d)["Market"]["properties"]["display_name"] = {"type": "string", "maxLength": 64}


def _add_required_response_property(d: dict) -> None:
    _add_response_property(d)
    schemas(d)["Market"]["required"].append("display_name")


NON_BREAKING_CASES = [
    ("add-operation", None, _add_operation, "operation-added"),
    ("add-optional-param", None,
     lambda d: op(d, "/markets/{symbol}/orderbook")["parameters"].append(
         {"name": "aggregation", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 10}}),
     "parameter-added"),
    ("add-response-property", None, _add_response_property, "property-added"),
    ("add-required-response-property", None, _add_required_response_property, "property-added"),
    ("add-error-code", None,
     lambda d: d["x-cooud-error-catalogue"].update(
         market_halted={"status": 422, "retryable": False, "description": "The market is halted."}),
     "error-code-added"),
    ("operation-lists-new-error-code", None,
     lambda d: op(d, "/markets/{symbol}")["x-cooud-errors"].append("service_unavailable"),
     "operation-error-code-added"),
    ("widen-param-maximum", None,
     lambda d: op(d, "/markets/{symbol}/orderbook")["parameters"][1]["schema"].update(maximum=1000),
     "schema-maximum-changed"),
    ("widen-param-maxLength", None,
     lambda d: d["components"]["parameters"]["Cursor"]["schema"].update(maxLength=1024),
     "schema-maxLength-changed"),
    ("description-changed", None, lambda d: op(d, "/time").update(description="Now with more words."),
     "description-changed"),
    ("new-error-status", None,
     lambda d: op(d, "/time")["responses"].update({"503": {"$ref": "#/components/responses/InternalError"}}),
     "response-status-added"),
    ("new-optional-response-header", None,
     lambda d: op(d, "/time")["responses"]["200"]["headers"].update(
         {"X-Trace": {"required": False, "schema": {"type": "string"}}}),
     "response-header-added"),
    ("response-limit-narrowed", None, lambda d: schemas(d)["OrderBook"]["properties"]["bids"].update(maxItems=100),
     "schema-maxItems-changed"),
    ("rate-limit-weight", None, lambda d: op(d, "/time")["x-cooud-rate-limit"].update(weight=2), "extension-changed"),
    ("new-optional-request-property", with_order_op,
     lambda d: new_order(d)["properties"].update(post_only={"type": "boolean"}), "property-added"),
    ("request-enum-value-added", with_order_op,
     lambda d: new_order(d)["properties"]["time_in_force"]["enum"].append("gtd"), "schema-enum-value-added"),
    ("request-property-became-optional", with_order_op, lambda d: new_order(d)["required"].remove("size"),
     "property-became-optional"),
    ("request-pattern-alternative-appended", with_order_op,
     lambda d: new_order(d)["properties"]["client_order_id"].update(pattern="^[A-Za-z0-9_-]+$|^~[a-z]+$"),
     "schema-pattern-changed"),
    ("operation-deprecated", None, lambda d: op(d, "/version").update(deprecated=True), "operation-deprecated"),
    ("version-bump-minor", None, lambda d: d["info"].update(version="1.1.0"), "version-changed"),
]


@pytest.mark.parametrize(
    ("prepare", "mutate", "rule"),
    [case[1:] for case in NON_BREAKING_CASES],
    ids=[case[0] for case in NON_BREAKING_CASES],
)
def test_non_breaking_mutation_is_listed_as_non_breaking(prepare, mutate, rule, tmp_path) -> None:
    base, head = _case_docs(prepare, mutate)
    changes = diff(base, head)
    assert breaking_of(changes) == []
    assert any(c.rule == rule and c.kind == NON_BREAKING for c in changes), changes
    assert run_cli(tmp_path, base, head) == 0


def test_shared_enum_is_judged_per_direction() -> None:
    """CandleInterval is a query parameter and a response field: a new value is fine for the first,
    breaking for the second (the generated client parses response enums strictly)."""
    base, head = spec(), spec()
    schemas(head)["CandleInterval"]["enum"].append("1w")
    changes = [c for c in diff(base, head) if c.rule == "schema-enum-value-added"]
    kinds = {c.message.split(" enum")[0]: c.kind for c in changes}
    assert kinds == {
        "query parameter 'interval'": NON_BREAKING,
        "response 200 property 'interval'": BREAKING,
    }


@pytest.mark.parametrize(("old", "new", "appended"), [
    ("^a$", "^a$|^b$", True),
    ("^(a|b)$", "^(a|b)$|^c$", True),
    ("^(a|b)$", "^(a|b|c)$", False),  # a rewrite inside a group: not recognised
    ("^a$", "^a$|", False),  # nothing appended
    ("^(a", "^(a|b)$", False),  # the old text is no whole regex, so its `|` is no top-level alternation
    ("^a\\", "^a\\|b", False),
])
def test_alternatives_appended(old, new, appended) -> None:
    assert breaking._alternatives_appended({old}, {new}) is appended


def test_echoed_response_property_is_judged_in_the_request_direction() -> None:
    """`x-cooud-echoes`: a response property holding only values the client sent; widening it with the request is
    fine, narrowing it is not (the server could no longer echo every valid request)."""
    base = spec()
    schemas(base)["Market"]["properties"]["echo"] = {"type": "string", "maxLength": 8, "pattern": "^a$"}
    head = copy.deepcopy(base)
    schemas(head)["Market"]["properties"]["echo"].update({"pattern": "^a$|^b$", "x-cooud-echoes": "echo"})
    changes = diff(base, head)
    assert breaking_of(changes) == [], changes
    assert any(c.rule == "schema-pattern-changed" for c in changes)
    schemas(head)["Market"]["properties"]["echo"]["maxLength"] = 4
    found = breaking_of(diff(base, head))
    assert found and {c.rule for c in found} == {"schema-maxLength-changed"}, found


def test_recursive_schema_terminates() -> None:
    base = spec()
    schemas(base)["Node"] = {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
    }
    schemas(base)["Market"]["properties"]["tree"] = {"$ref": "#/components/schemas/Node"}
    head = copy.deepcopy(base)
    schemas(head)["Node"]["properties"]["name"] = {"type": "string"}
    changes = diff(base, head)
    assert breaking_of(changes) == []
    assert any(c.rule == "property-added" and "property 'tree.name'" in c.message for c in changes), changes


def test_path_parameter_renamed_is_the_same_endpoint() -> None:
    base, head = spec(), spec()
    item = head["paths"].pop("/markets/{symbol}")
    param = copy.deepcopy(head["components"]["parameters"]["Symbol"])
    param["name"] = "market"
    item["get"]["parameters"] = [param]
    head["paths"]["/markets/{market}"] = item
    changes = diff(base, head)
    assert breaking_of(changes) == []
    assert [c.rule for c in changes] == ["path-parameter-renamed"]


# -- properties ------------------------------------------------------------------------------------

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(removed=st.sets(st.sampled_from(OPERATIONS)))
def test_any_set_of_removed_operations_is_reported_exactly(removed: set[str]) -> None:
    head = spec()
    for label in removed:
        method, path = label.split(" ", 1)
        del head["paths"][path][method.lower()]
    changes = breaking_of(diff(spec(), head))
    assert {c.operation for c in changes} == removed
    assert {c.rule for c in changes} <= {"operation-removed"}


@FAST
@given(removed=st.sets(st.sampled_from(sorted(ROOT["x-cooud-error-catalogue"]))))
def test_any_set_of_removed_error_codes_is_reported_exactly(removed: set[str]) -> None:
    head = spec()
    for code in removed:
        del head["x-cooud-error-catalogue"][code]
    changes = breaking_of(diff(spec(), head))
    assert {c.message.split("'")[1] for c in changes} == removed
    assert all(c.rule == "error-code-removed" for c in changes)


@FAST
@given(old=st.integers(1, 2000), new=st.integers(1, 2000))
def test_max_length_direction(old: int, new: int) -> None:
    """Lowering a request maximum breaks; raising a response maximum breaks; the opposite never does."""
    base, head = spec(), spec()
    for doc, value in ((base, old), (head, new)):
        doc["components"]["parameters"]["Cursor"]["schema"]["maxLength"] = value  # request side
        schemas(doc)["ErrorDetail"]["properties"]["reason"]["maxLength"] = value  # response side
    changes = breaking_of(diff(base, head))
    request_breaks = any("query parameter 'cursor'" in c.message for c in changes)
    response_breaks = any("reason" in c.message for c in changes)
    assert request_breaks == (new < old)
    assert response_breaks == (new > old)
