"""Release-note and lifecycle rules of tools/lifecycle.py (run by ``python -m tools.breaking``): the deprecation
metadata of a REST document, and CHANGELOG.md rules (a)–(e), each with crafted documents and changelog texts;
then the CLI on crafted files and on the real repository."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from tools import breaking, lifecycle
from tools.breaking import BREAKING, Change
from tools.lifecycle import change_subjects, check_changelog, check_deprecations, parse_changelog

TODAY = date(2027, 6, 1)


def document(version: str = "1.0.0", **extra_paths) -> dict:
    ok = {"description": "OK.", "content": {"application/json": {"schema": {
        "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}}}
    paths = {
        "/things": {"get": {"operationId": "listThings", "responses": {"200": copy.deepcopy(ok)}}},
        "/things/{thing_id}": {"get": {
            "operationId": "getThing",
            "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": copy.deepcopy(ok), "404": {"description": "Not found."}}}},
    }
    paths.update(extra_paths)
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": version},
        "paths": paths,
        "components": {"headers": {
            "Deprecation": {"schema": {"type": "string"}},
            "Sunset": {"schema": {"type": "string"}},
        }},
    }


def deprecate(doc: dict, path: str, at="2027-01-01", sunset="2027-04-01", headers=True) -> dict:
    op = doc["paths"][path]["get"]
    op.update({"deprecated": True, "x-cooud-deprecated-at": at, "x-cooud-sunset": sunset})
    if headers:
        op["responses"]["200"]["headers"] = {
            "Deprecation": {"$ref": "#/components/headers/Deprecation"},
            "Sunset": {"$ref": "#/components/headers/Sunset"},
        }
    return doc


def changelog(*sections: str) -> str:
    return "# Changelog\n\nIntro.\n\n" + "\n".join(sections) + "\n[link]: https://example.invalid\n"


def rest(base: dict, head: dict, text: str, today: date = TODAY) -> list[str]:
    return check_changelog("openapi", base, head, breaking.diff(base, head), text, today)


def rules(problems: list[str]) -> list[str]:
    return [p.split(":", 1)[0] for p in problems]


# -- deprecation metadata ------------------------------------------------------------------------------


def test_well_formed_deprecation_passes() -> None:
    assert check_deprecations(deprecate(document(), "/things")) == []
    assert check_deprecations(document()) == []


def test_deprecated_without_sunset() -> None:
    doc = deprecate(document(), "/things")
    del doc["paths"]["/things"]["get"]["x-cooud-sunset"]
    assert check_deprecations(doc) == ["GET /things: deprecated without x-cooud-sunset"]


def test_deprecated_without_any_date() -> None:
    doc = document()
    doc["paths"]["/things"]["get"]["deprecated"] = True
    problems = check_deprecations(doc)
    assert "GET /things: deprecated without x-cooud-deprecated-at" in problems
    assert "GET /things: deprecated without x-cooud-sunset" in problems


@pytest.mark.parametrize("bad", ["2027-02-30", "2027/04/01", "20270401", "2027-04-01T00:00:00Z", 20270401])
def test_malformed_dates(bad) -> None:
    problems = check_deprecations(deprecate(document(), "/things", sunset=bad))
    assert len(problems) == 1 and "is not an RFC 3339 full date" in problems[0]


def test_unquoted_yaml_dates_are_accepted() -> None:
    assert check_deprecations(deprecate(document(), "/things", at=date(2027, 1, 1), sunset=date(2027, 4, 1))) == []


def test_sunset_less_than_90_days_after_deprecation() -> None:
    problems = check_deprecations(deprecate(document(), "/things", at="2027-01-01", sunset="2027-03-31"))
    assert problems == ["GET /things: x-cooud-sunset 2027-03-31 is less than 90 days after x-cooud-deprecated-at "
                        "2027-01-01 (earliest: 2027-04-01)"]
    assert check_deprecations(deprecate(document(), "/things", at="2027-01-01", sunset="2027-04-01")) == []


def test_headers_undeclared() -> None:
    problems = check_deprecations(deprecate(document(), "/things", headers=False))
    assert problems == ["GET /things: response 200 does not declare the Deprecation and Sunset header(s)"]
    doc = deprecate(document(), "/things")
    del doc["paths"]["/things"]["get"]["responses"]["200"]["headers"]["Sunset"]
    assert check_deprecations(doc) == ["GET /things: response 200 does not declare the Sunset header(s)"]


def test_headers_of_a_referenced_response_count_and_errors_need_none() -> None:
    doc = deprecate(document(), "/things/{thing_id}")
    doc["components"]["responses"] = {"Thing": doc["paths"]["/things/{thing_id}"]["get"]["responses"]["200"]}
    doc["paths"]["/things/{thing_id}"]["get"]["responses"]["200"] = {"$ref": "#/components/responses/Thing"}
    assert check_deprecations(doc) == []  # the 404 declares no headers: only 2xx must


def test_extension_without_deprecated_is_an_error() -> None:
    doc = document()
    doc["paths"]["/things"]["get"]["x-cooud-sunset"] = "2027-04-01"
    assert check_deprecations(doc) == [
        "GET /things: x-cooud-deprecated-at/x-cooud-sunset on an operation that is not deprecated: true"]


# -- CHANGELOG parsing -----------------------------------------------------------------------------------


def test_parse_sections_and_subsections() -> None:
    text = changelog(
        "## [REST 1.1.0] - Unreleased\n### Added\n- `GET /a`\n### Breaking\n- `GET /b` gone\n",
        "## [Stream 1.1.0] - 2026-01-01\n### Added\n- x\n",
        "## [REST 1.0.0] - 2026-01-01 (released)\n### Added\n- first\n",
    )
    sections = parse_changelog(text)
    assert set(sections) == {("REST", "1.1.0"), ("Stream", "1.1.0"), ("REST", "1.0.0")}
    assert sections[("REST", "1.1.0")].subsection("Breaking").strip() == "- `GET /b` gone"
    assert sections[("REST", "1.1.0")].subsection("breaking") == sections[("REST", "1.1.0")].subsection("Breaking")
    assert sections[("REST", "1.1.0")].subsection("Deprecated") == ""
    # any other level-2 heading ends a version section
    notes = parse_changelog("## [REST 2.0.0]\n### Breaking\n- `GET /a`\n## Notes\n### Breaking\n- `GET /b`\n")
    assert notes[("REST", "2.0.0")].subsection("Breaking").strip() == "- `GET /a`"


# -- (a) a section for the head version -------------------------------------------------------------------


def test_a_missing_section() -> None:
    base, head = document("1.0.0"), document("1.1.0", **{"/new": {"get": {"responses": {"200": {"description": "x"}}}}})
    problems = rest(base, head, changelog("## [REST 1.0.0] - released\n### Added\n- all\n"))
    assert rules(problems) == ["(a) missing-section"]
    assert rest(base, head, changelog("## [REST 1.1.0] - Unreleased\n### Added\n- `GET /new`\n")) == []
    # a Stream section of the same number is not the REST one
    assert rules(rest(base, head, changelog("## [Stream 1.1.0]\n"))) == ["(a) missing-section"]


# -- (b) the version moves exactly when the contract does ---------------------------------------------------


def test_b_change_without_bump() -> None:
    base = document("1.0.0")
    head = document("1.0.0", **{"/new": {"get": {"responses": {"200": {"description": "x"}}}}})
    problems = rest(base, head, changelog("## [REST 1.0.0]\n"))
    assert rules(problems) == ["(b) version-not-bumped"]


def test_b_bump_without_change() -> None:
    problems = rest(document("1.0.0"), document("1.0.1"), changelog("## [REST 1.0.1]\n### Changed\n- nothing\n"))
    assert rules(problems) == ["(b) version-without-change"]


def test_b_no_change_and_no_bump_is_fine() -> None:
    assert rest(document("1.0.0"), document("1.0.0"), changelog("## [REST 1.0.0] - released\n")) == []


# -- (c) breaking changes are named under Breaking ------------------------------------------------------------


def _drop_id(doc: dict) -> dict:
    schema = doc["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    del schema["properties"]["id"]
    schema["required"] = []
    return doc


def test_c_breaking_change_must_be_under_breaking() -> None:
    base, head = document("1.0.0"), _drop_id(document("2.0.0"))
    assert any(c.breaking for c in breaking.diff(base, head))
    under_changed = changelog("## [REST 2.0.0]\n### Changed\n- `GET /things` loses `id`\n")
    assert rules(rest(base, head, under_changed)) == ["(c) breaking-not-listed"]
    unquoted = changelog("## [REST 2.0.0]\n### Breaking\n- GET /things loses id\n")
    assert rules(rest(base, head, unquoted)) == ["(c) breaking-not-listed"]
    listed = changelog("## [REST 2.0.0]\n### Breaking\n- `GET /things` no longer returns `id`.\n")
    assert rest(base, head, listed) == []


def test_c_document_level_change_is_named_by_its_quoted_name() -> None:
    base, head = document("1.0.0"), document("2.0.0")
    base["x-cooud-error-catalogue"] = {"gone": {"status": 400, "retryable": False, "description": "x"}}
    head["x-cooud-error-catalogue"] = {}
    assert [c.operation for c in breaking.diff(base, head) if c.breaking] == ["(document)"]
    assert rules(rest(base, head, changelog("## [REST 2.0.0]\n### Breaking\n- an error code\n"))) == [
        "(c) breaking-not-listed"]
    assert rest(base, head, changelog("## [REST 2.0.0]\n### Breaking\n- `gone` removed\n")) == []


def test_c_stream_subjects() -> None:
    def subjects(operation: str, message: str) -> list[str]:
        return change_subjects("asyncapi", Change(BREAKING, operation, message, "rule-x"))

    assert subjects("operation sendTrades", "operation removed") == ["sendTrades"]
    assert subjects("operation sendTrades: sends 'trade'", "payload property 'price' removed") == [
        "sendTrades", "trade"]
    assert subjects("channel stream", "message 'authRequest' removed") == ["stream", "authRequest"]
    assert subjects("(document)", "server 'production' removed") == ["production"]
    assert subjects("(document)", "something unnamed") == ["rule-x"]
    assert change_subjects("openapi", Change(BREAKING, "(document)", "no name here", "server-removed")) == [
        "server-removed"]


def test_c_stream_changes_through_check_changelog() -> None:
    base = {"info": {"version": "1.1.0"}}
    head = {"info": {"version": "2.0.0"}}
    changes = [Change("non-breaking", "(document)", "info.version 1.1.0 → 2.0.0", "version-changed"),
               Change(BREAKING, "channel stream", "message 'authRequest' removed", "message-removed")]
    missing = check_changelog("asyncapi", base, head, changes, changelog("## [Stream 2.0.0]\n### Breaking\n"))
    assert rules(missing) == ["(c) breaking-not-listed"]
    listed = changelog("## [Stream 2.0.0]\n### Breaking\n- `authRequest` is gone: authenticate by URL.\n")
    assert check_changelog("asyncapi", base, head, changes, listed) == []
    # a REST section of that number does not count for the stream
    assert rules(check_changelog("asyncapi", base, head, changes, listed.replace("Stream", "REST"))) == [
        "(a) missing-section", "(c) breaking-not-listed"]


# -- (d) new deprecations are announced with their sunset ---------------------------------------------------------


def test_d_newly_deprecated_operation_must_be_listed_with_its_sunset() -> None:
    base, head = document("1.0.0"), deprecate(document("1.1.0"), "/things")
    assert rules(rest(base, head, changelog("## [REST 1.1.0]\n### Added\n- `GET /things` deprecated, 2027-04-01\n"))) \
        == ["(d) deprecation-not-listed"]
    assert rules(rest(base, head, changelog("## [REST 1.1.0]\n### Deprecated\n- `GET /things` (soon)\n"))) == [
        "(d) deprecation-not-listed"]
    assert rules(rest(base, head, changelog("## [REST 1.1.0]\n### Deprecated\n- `GET /things`\n- 2027-04-01\n"))) \
        == ["(d) deprecation-not-listed"]  # the sunset must be on the operation's line
    good = changelog("## [REST 1.1.0]\n### Deprecated\n- `GET /things`: use `GET /items`; sunset 2027-04-01.\n")
    assert rest(base, head, good) == []


def test_d_already_deprecated_in_release_needs_no_new_entry() -> None:
    base = deprecate(document("1.0.0"), "/things")
    head = deprecate(document("1.1.0"), "/things")
    head["paths"]["/things"]["get"]["summary"] = "Reworded."
    assert rest(base, head, changelog("## [REST 1.1.0]\n### Changed\n- wording\n")) == []


# -- (e) removal only after the sunset of a released deprecation -------------------------------------------------


def _removed(base: dict) -> tuple[dict, dict, str]:
    head = copy.deepcopy(base)
    head["info"]["version"] = "2.0.0"
    del head["paths"]["/things"]
    return base, head, changelog("## [REST 2.0.0]\n### Breaking\n- `GET /things` removed (sunset 2027-04-01)\n")


def test_e_removal_of_an_operation_never_deprecated() -> None:
    problems = rest(*_removed(document("1.0.0")))
    assert rules(problems) == ["(e) removed-without-notice"] and "did not deprecate it" in problems[0]


def test_e_removal_before_the_sunset() -> None:
    problems = rest(*_removed(deprecate(document("1.0.0"), "/things")), today=date(2027, 3, 31))
    assert rules(problems) == ["(e) removed-without-notice"] and "before its sunset 2027-04-01" in problems[0]


def test_e_removal_after_the_sunset() -> None:
    assert rest(*_removed(deprecate(document("1.0.0"), "/things")), today=date(2027, 4, 1)) == []


def test_e_renaming_a_path_parameter_is_not_a_removal() -> None:
    base, head = document("1.0.0"), document("1.0.1")
    item = head["paths"].pop("/things/{thing_id}")
    item["get"]["parameters"][0]["name"] = "id"
    head["paths"]["/things/{id}"] = item
    assert rest(base, head, changelog("## [REST 1.0.1]\n### Changed\n- parameter renamed\n")) == []


# -- the CLI ---------------------------------------------------------------------------------------------------


def _write(tmp_path: Path, base: dict, head: dict, text: str) -> list[str]:
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    (tmp_path / "head.json").write_text(json.dumps(head), encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(text, encoding="utf-8")
    return ["--only", "openapi", "--base", str(tmp_path / "base.json"), "--head", str(tmp_path / "head.json")]


def test_cli_checks_the_changelog_when_given(tmp_path: Path, capsys) -> None:
    args = _write(tmp_path, document("1.0.0"), deprecate(document("1.1.0"), "/things"),
                  changelog("## [REST 1.1.0]\n### Changed\n- things\n"))
    assert breaking.main(args) == 0  # crafted documents: no release-note checks unless asked
    assert breaking.main([*args, "--changelog", str(tmp_path / "CHANGELOG.md")]) == 1
    assert "CHANGELOG FAIL: (d) deprecation-not-listed: GET /things" in capsys.readouterr().out
    assert breaking.main([*args, "--changelog", str(tmp_path / "nowhere.md"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and rules(report["changelog"]) == ["(a) missing-section", "(d) deprecation-not-listed"]


def test_cli_reports_deprecation_metadata_and_uses_today(tmp_path: Path, capsys) -> None:
    base = deprecate(document("1.0.0"), "/things", headers=False)
    base["paths"]["/things"]["get"]["responses"]["200"]["headers"] = {"Deprecation": {}, "Sunset": {}}
    _, head, text = _removed(base)
    head["paths"]["/things/{thing_id}"]["get"]["x-cooud-sunset"] = "2027-09-01"  # but not deprecated
    args = [*_write(tmp_path, base, head, text), "--changelog", str(tmp_path / "CHANGELOG.md")]
    assert breaking.main([*args, "--today", "2027-04-01"]) == 1
    out = capsys.readouterr().out
    assert "CHANGELOG FAIL: deprecation: GET /things/{thing_id}: x-cooud-deprecated-at/x-cooud-sunset" in out
    assert "removed-without-notice" not in out
    assert breaking.main([*args, "--today", "2027-03-01"]) == 1
    assert "removed-without-notice" in capsys.readouterr().out


def test_cli_no_changelog_skips(tmp_path: Path) -> None:
    args = _write(tmp_path, document("1.0.0"), document("1.0.1"), "")
    assert breaking.main([*args, "--changelog", str(tmp_path / "CHANGELOG.md")]) == 1
    assert breaking.main([*args, "--no-changelog"]) == 0


def test_the_repository_changelog_is_honest(capsys) -> None:
    assert breaking.main([]) == 0
    out = capsys.readouterr().out
    assert out.count("CHANGELOG OK") == 2, out
    assert lifecycle.main([]) == 0


def _signing(doc: dict, **v1) -> dict:
    doc["components"] = {"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-Key",
                                                        "x-cooud-signing": {"versions": {"2": {}, "1": v1}}}}}
    return doc


def test_a_deprecated_signing_version_follows_the_date_rules() -> None:
    name = "security scheme apiKey signing version 1"
    assert check_deprecations(_signing(document(), deprecated=True, **{"x-cooud-deprecated-at": "2026-12-03",
                                                                        "x-cooud-sunset": "2027-06-01"})) == []
    assert check_deprecations(_signing(document(), deprecated=True)) == [
        f"{name}: deprecated without x-cooud-deprecated-at", f"{name}: deprecated without x-cooud-sunset"]
    short = check_deprecations(_signing(document(), deprecated=True, **{"x-cooud-deprecated-at": "2026-12-03",
                                                                         "x-cooud-sunset": "2027-01-01"}))
    assert len(short) == 1 and "less than 90 days" in short[0]
    assert check_deprecations(_signing(document(), **{"x-cooud-sunset": "2027-06-01"})) == [
        f"{name}: x-cooud-deprecated-at/x-cooud-sunset on a version that is not deprecated: true"]


def test_the_spec_deprecation_metadata_is_well_formed() -> None:
    spec = yaml.safe_load((Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml").read_text())
    assert spec["components"]["securitySchemes"]["apiKey"]["x-cooud-signing"]["versions"]["1"]["deprecated"] is True
    assert check_deprecations(spec) == []
