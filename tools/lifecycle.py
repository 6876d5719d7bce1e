"""API lifecycle checks: deprecation metadata in the REST contract, and a CHANGELOG.md that tells the truth.

Both run inside ``python -m tools.breaking`` (``make check``) for the repository's own documents; this module
can also be run alone (``python -m tools.lifecycle [spec/openapi.yaml]``, deprecation rules only).

Deprecation rules (``check_deprecations(doc)``, REST document)
--------------------------------------------------------------
- An operation with ``deprecated: true`` has ``x-cooud-deprecated-at`` and ``x-cooud-sunset``, each an RFC 3339
  full date (``'2026-12-01'``; quote it in YAML — an unquoted date is accepted too), and the sunset is at least
  ``NOTICE_DAYS`` (90) days after the deprecation date.
- Every 2xx response of such an operation declares the ``Deprecation`` and ``Sunset`` headers (the server sends
  them on every response of the operation: impl/middleware/lifecycle.py).
- ``x-cooud-deprecated-at`` or ``x-cooud-sunset`` on an operation that is not ``deprecated: true`` is an error
  (a date nobody is told about).
- The same date rules hold for a deprecated version of a security scheme's signing recipe
  (``components.securitySchemes.*.x-cooud-signing.versions.<v>`` with ``deprecated: true``).

CHANGELOG rules (``check_changelog(...)``, each document against its released copy)
-----------------------------------------------------------------------------------
CHANGELOG.md has one section per version of each document, headed ``## [REST X.Y.Z] …`` (spec/openapi.yaml)
or ``## [Stream X.Y.Z] …`` (spec/asyncapi.yaml), with Keep-a-Changelog subsections ``### Added``, ``### Changed``,
``### Deprecated``, ``### Removed``, ``### Breaking`` (others are allowed and ignored). For each document:

(a) ``missing-section``: the head ``info.version`` has a section.
(b) ``version-not-bumped`` / ``version-without-change``: when the diff against the released copy lists any change
    other than ``info.version`` itself, the head version differs from the released one; when the versions
    differ, the diff lists at least one such change.
(c) ``breaking-not-listed``: every breaking change is named in the head section's ``### Breaking`` subsection.
    *Named* means one of its subjects appears there between backticks. Subjects: for REST the operation
    ``METHOD /path`` as the check prints it (e.g. `` `DELETE /orders/{order_id}` ``), or for a document-level
    change the first name quoted '…' in its message (an error code, a security scheme, a server URL); for the
    stream the operation id or channel name of the change (``operation sendTrades`` → `` `sendTrades` ``,
    ``channel stream`` → `` `stream` ``), the message key a payload change names (``operation sendTrades: sends
    'trade'`` → `` `trade` ``) and, for a channel- or document-level change, the first name quoted in its message
    (``message 'trade' removed`` → `` `trade` ``, ``server 'production' …`` → `` `production` ``). A change
    with no such name is named by its rule id (e.g. `` `security-scheme-removed` ``).
(d) ``deprecation-not-listed``: every REST operation deprecated in head but not in the released copy (or new
    and already deprecated) has a line in the head section's ``### Deprecated`` subsection holding both
    `` `METHOD /path` `` and its ``x-cooud-sunset`` date.
(e) ``removed-without-notice``: every REST operation of the released copy that head no longer has (paths
    compared with parameter names ignored) was ``deprecated: true`` in the released copy with an
    ``x-cooud-sunset`` on or before today (UTC): the 90-day notice was given and has run out.

Known limits: AsyncAPI 3.0 operations have no ``deprecated`` flag, so (d) and (e) apply to REST only (a stream
operation's removal is still breaking, so it needs a major version and a ``### Breaking`` line). The text of a
section is not compared with the diff beyond these rules: an addition that the CHANGELOG forgets is not caught.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

NOTICE_DAYS = 90
DEPRECATED_AT = "x-cooud-deprecated-at"
SUNSET = "x-cooud-sunset"
REQUIRED_HEADERS = ("Deprecation", "Sunset")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DOCUMENT_LABEL = {"openapi": "REST", "asyncapi": "Stream"}
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CHANGELOG = REPO_ROOT / "CHANGELOG.md"

_SECTION = re.compile(r"^## \[(REST|Stream) (\d+\.\d+\.\d+)\]", re.MULTILINE)
_SUBSECTION = re.compile(r"^### +(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"'([^']+)'")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- dates ---------------------------------------------------------------------------------------------


def full_date(value: Any) -> date | None:
    """The date of an RFC 3339 full date (a ``YYYY-MM-DD`` string, or a date YAML already parsed), else None."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _FULL_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def today_utc() -> date:
    return datetime.now(UTC).date()


# -- deprecation metadata in the REST contract -------------------------------------------------------


def _resolve(doc: dict, node: Any) -> Any:
    seen = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        ref = node["$ref"]
        if ref in seen:
            return {}
        seen.add(ref)
        target: Any = doc
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            target = target.get(token) if isinstance(target, dict) else None
        node = target
    return node


def operations(doc: dict) -> dict[str, dict]:
    """``"METHOD /path"`` → operation object, for every operation of an OpenAPI document."""
    out = {}
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if method in HTTP_METHODS and isinstance(op, dict):
                out[f"{method.upper()} {path}"] = op
    return out


def _check_dates(name: str, item: dict, problems: list[str]) -> None:
    """The two dates of a deprecated thing: present, RFC 3339 full dates, at least NOTICE_DAYS apart."""
    dates = {}
    for key in (DEPRECATED_AT, SUNSET):
        if key not in item:
            problems.append(f"{name}: deprecated without {key}")
        elif (dates.setdefault(key, full_date(item[key]))) is None:
            problems.append(f"{name}: {key} {item[key]!r} is not an RFC 3339 full date (YYYY-MM-DD)")
    start, end = dates.get(DEPRECATED_AT), dates.get(SUNSET)
    if start and end and end < start + timedelta(days=NOTICE_DAYS):
        problems.append(f"{name}: {SUNSET} {end} is less than {NOTICE_DAYS} days after {DEPRECATED_AT} {start} "
                        f"(earliest: {start + timedelta(days=NOTICE_DAYS)})")


def check_deprecations(doc: dict) -> list[str]:
    """Problems with the deprecation metadata of an OpenAPI document (empty when none): its operations, and the
    versions of a security scheme's signing recipe (``x-cooud-signing.versions``, e.g. API-key signature v1),
    which follow the same date rules (they have no responses of their own to carry the headers)."""
    problems: list[str] = []
    for name, op in operations(doc).items():
        has_dates = DEPRECATED_AT in op or SUNSET in op
        if not op.get("deprecated"):
            if has_dates:
                problems.append(f"{name}: {DEPRECATED_AT}/{SUNSET} on an operation that is not deprecated: true")
            continue
        _check_dates(name, op, problems)
        for status, response in (op.get("responses") or {}).items():
            if not str(status).startswith("2"):
                continue
            declared = {str(h).lower() for h in ((_resolve(doc, response) or {}).get("headers") or {})}
            missing = [h for h in REQUIRED_HEADERS if h.lower() not in declared]
            if missing:
                problems.append(f"{name}: response {status} does not declare the {' and '.join(missing)} header(s)")
    schemes = ((doc.get("components") or {}).get("securitySchemes") or {})
    for scheme, definition in schemes.items():
        versions = ((definition or {}).get("x-cooud-signing") or {}).get("versions") or {}
        for version, recipe in versions.items():
            name = f"security scheme {scheme} signing version {version}"
            if not (recipe or {}).get("deprecated"):
                if DEPRECATED_AT in (recipe or {}) or SUNSET in (recipe or {}):
                    problems.append(f"{name}: {DEPRECATED_AT}/{SUNSET} on a version that is not deprecated: true")
                continue
            _check_dates(name, recipe, problems)
    return problems


# -- CHANGELOG.md --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    document: str  # "REST" or "Stream"
    version: str
    text: str  # the whole section, heading included

    def subsection(self, title: str) -> str:
        """The text of a ``### title`` subsection (case-insensitive; '' when absent)."""
        parts = _SUBSECTION.split(self.text)
        # parts: [before, title1, body1, title2, body2, ...]
        return "\n".join(parts[i + 1] for i in range(1, len(parts), 2) if parts[i].strip().lower() == title.lower())


def parse_changelog(text: str) -> dict[tuple[str, str], Section]:
    """(document label, version) → its section."""
    sections = {}
    matches = list(_SECTION.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        # a later "## " heading that is not a version section (e.g. link references) also ends it
        rest = text[match.end():end]
        other = re.search(r"^## ", rest, re.MULTILINE)
        body = text[match.start():match.end() + (other.start() if other else len(rest))]
        sections[(match.group(1), match.group(2))] = Section(match.group(1), match.group(2), body)
    return sections


def change_subjects(kind: str, change: Any) -> list[str]:
    """The names a breaking change may be listed under in ``### Breaking`` (rule (c) of the module docstring)."""
    operation, message = change.operation, change.message
    if kind == "openapi":
        if operation == "(document)":
            quoted = _QUOTED.search(message)
            return [quoted.group(1) if quoted else change.rule]
        return [operation]
    subjects = []
    head, _, label_rest = operation.partition(":")
    kind_word, _, name = head.partition(" ")
    if kind_word in ("operation", "channel") and name:
        subjects.append(name)
    subjects += _QUOTED.findall(label_rest)  # the message key of a payload change
    if kind_word != "operation":  # channel or document level: the first name its message quotes
        quoted = _QUOTED.search(message)
        subjects += [quoted.group(1)] if quoted else []
    return subjects or [change.rule]


def _mentions(text: str, name: str) -> bool:
    return f"`{name}`" in text


def _path_key(name: str) -> str:
    """``GET /a/{x}`` and ``GET /a/{y}`` are the same URL template."""
    return re.sub(r"\{[^}]*\}", "{}", name)


def check_changelog(kind: str, base: dict, head: dict, changes: list, changelog: str,
                    today: date | None = None) -> list[str]:
    """Problems with CHANGELOG.md for one document (``kind``: ``openapi`` or ``asyncapi``), given its released
    copy ``base``, its working copy ``head`` and the changes ``tools.breaking`` found between them."""
    label = DOCUMENT_LABEL[kind]
    bversion = str((base.get("info") or {}).get("version"))
    hversion = str((head.get("info") or {}).get("version"))
    problems = []
    section = parse_changelog(changelog).get((label, hversion))
    if section is None:
        problems.append(f"(a) missing-section: CHANGELOG.md has no '## [{label} {hversion}]' section")
    real = [c for c in changes if c.rule != "version-changed"]
    if real and hversion == bversion:
        problems.append(f"(b) version-not-bumped: {len(real)} change(s) since the released {label} {bversion} "
                        "but info.version is unchanged; bump it (minor: additive, patch: wording, major: breaking)")
    if not real and hversion != bversion:
        problems.append(f"(b) version-without-change: info.version {bversion} → {hversion} but nothing else changed")
    text = section.subsection("Breaking") if section else ""
    for change in changes:
        if not change.breaking:
            continue
        subjects = change_subjects(kind, change)
        if not any(_mentions(text, s) for s in subjects):
            names = " or ".join(f"`{s}`" for s in subjects) or "(no name: describe it)"
            problems.append(f"(c) breaking-not-listed: {change.operation}: {change.message} — name {names} under "
                            f"'### Breaking' of {label} {hversion}")
    if kind != "openapi":
        return problems
    bops, hops = operations(base), operations(head)
    deprecated_text = section.subsection("Deprecated") if section else ""
    for name, op in hops.items():
        if not op.get("deprecated") or (bops.get(name) or {}).get("deprecated"):
            continue
        sunset = full_date(op.get(SUNSET))
        listed = any(_mentions(line, name) and sunset is not None and sunset.isoformat() in line
                     for line in deprecated_text.splitlines())
        if not listed:
            problems.append(f"(d) deprecation-not-listed: {name} is newly deprecated; list `{name}` with its sunset "
                            f"date ({sunset or 'missing'}) under '### Deprecated' of {label} {hversion}")
    today = today or today_utc()
    head_keys = {_path_key(n) for n in hops}
    for name, op in bops.items():
        if _path_key(name) in head_keys:
            continue
        sunset = full_date(op.get(SUNSET))
        if not op.get("deprecated") or sunset is None:
            problems.append(f"(e) removed-without-notice: {name} removed but the released {label} {bversion} did not "
                            f"deprecate it with an {SUNSET} date")
        elif sunset > today:
            problems.append(f"(e) removed-without-notice: {name} removed before its sunset {sunset} (today {today})")
    return problems


def main(argv: list[str] | None = None) -> int:
    from tools.breaking import SpecError, load

    parser = argparse.ArgumentParser(prog="python -m tools.lifecycle",
                                     description="Check the deprecation metadata of a REST contract.")
    parser.add_argument("spec", nargs="?", type=Path, default=REPO_ROOT / "spec" / "openapi.yaml")
    args = parser.parse_args(argv)
    try:
        problems = check_deprecations(load(args.spec))
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print(f"OK: deprecation metadata of {args.spec}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
