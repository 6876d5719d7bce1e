"""Render ``spec/asyncapi.yaml`` as one self-contained HTML page, offline and deterministically.

Purpose
-------
``render(doc, folder) -> str`` turns an AsyncAPI 3.0 document into a single HTML5 page: inline CSS, no
script, no external asset, no network. ``tools/codegen.py`` writes it to ``generated/docs/asyncapi.html``
(behind its "generated from … — do not edit" comment) and its ``--check`` catches drift; the server serves
that file. ``python -m tools.asyncapi_html [spec/asyncapi.yaml] [-o out.html]`` renders on its own.

What the page shows: the info (title, version, contact, license, description), a table of contents, the
servers, each channel (address, servers, messages, bindings, the ``x-cooud-close-codes`` table), every
operation grouped by tag in ``info.tags`` order (action, title, summary, description, channel, messages,
reply messages — as links), and every message of every channel (name, title, summary, content type,
correlation id, the payload as an indented property table, the examples as pretty JSON). Messages in
``components/messages`` that no channel uses are listed after them.

Invariants
----------
- Same document in, byte-identical page out: no timestamps, no absolute paths, no dict/set ordering
  that is not the document's own (YAML mappings keep their order), ``json.dumps`` with fixed options.
- Every text taken from the document goes through ``html.escape`` before it reaches the page; markdown is
  rendered from the escaped text, so a description cannot inject markup.
- Anchors are stable: ``server-<name>``, ``channel-<name>``, ``operation-<id>``, ``message-<channel>-<key>``
  (non ``[A-Za-z0-9_-]`` characters become ``-``).

Payload tables: local ``$ref``s (``#/components/schemas/X``) are expanded in place, with ``X`` named in the
type column; a cross-file ``$ref`` (``./openapi.yaml#/components/schemas/Order``) is **not** expanded — the
row names the REST schema (``REST Order``) and shows its type and the first sentence of its description
when the file can be read (resolved against ``folder``, the document's directory). ``const`` shows as a
single value, ``type: [t, 'null']`` as ``t | null``.

Known limits: the markdown subset is paragraphs, ``#`` headings, ``-``/``*``/``1.`` lists (one level, with
indented continuation lines), ``|`` tables, fenced code blocks, inline ``code`` and ``**bold**``; anything
else (links, emphasis with ``_``, nested lists) shows as plain text. Channel parameters, operation/message
bindings and traits, and message headers are shown as pretty JSON or not at all (this document has none).
Recursive local schemas are cut at the second visit of a schema (the row says "see above").
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from tools.validate_specs import resolve_pointer

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_ROOT / "spec" / "asyncapi.yaml"
_MAX_DEPTH = 12

CSS = """
:root { --fg: #1d232b; --muted: #5b6675; --line: #d8dee6; --bg2: #f5f7fa; --accent: #0b5cad; --recv: #2e7d32;
  --send: #8a4b00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 4px; font-size: 28px; } h2 { margin-top: 40px; border-bottom: 2px solid var(--line); }
h3 { margin-top: 28px; } h4 { margin: 18px 0 6px; } h5 { margin: 14px 0 4px; font-size: 14px; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--bg2); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--bg2); padding: 10px 12px; border-radius: 4px; overflow-x: auto; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg2); }
.version { color: var(--muted); font-size: 16px; font-weight: normal; }
.meta { color: var(--muted); margin: 4px 0 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px;
  font-weight: 600; text-transform: uppercase; vertical-align: middle; }
.badge.receive { background: var(--recv); } .badge.send { background: var(--send); }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 8px; margin: 16px 0; }
.summary { color: var(--muted); }
nav#toc { max-width: 1100px; margin: 0 auto; padding: 8px 24px; }
nav#toc ul { margin: 4px 0; } nav#toc li { margin: 1px 0; }
.prop { white-space: nowrap; } .req { color: #b00020; font-size: 12px; }
.ref { color: var(--muted); font-size: 13px; }
footer { color: var(--muted); font-size: 13px; padding: 24px; border-top: 1px solid var(--line); margin-top: 40px; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def anchor(kind: str, *names: Any) -> str:
    return "-".join([kind] + [re.sub(r"[^A-Za-z0-9_-]", "-", str(n)) for n in names])


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


# --------------------------------------------------------------------------------------------------
# Minimal markdown
# --------------------------------------------------------------------------------------------------


def inline(text: str) -> str:
    """Escaped text with `code` spans and **bold**."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if len(part) > 1 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{_e(part[1:-1])}</code>")
        else:
            out.append(re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", _e(part)))
    return "".join(out)


_LIST_ITEM = re.compile(r"^(\s*)([-*]|\d+\.)\s+(.*)$")


def markdown(text: Any, heading_level: int = 3) -> str:
    """Render the markdown subset described in the module docstring (``#`` becomes ``h{heading_level}``)."""
    if not text:
        return ""
    lines = str(text).rstrip("\n").split("\n")
    out: list[str] = []
    para: list[str] = []
    i = 0

    def flush() -> None:
        if para:
            out.append(f"<p>{inline(' '.join(s.strip() for s in para))}</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush()
            i += 1
        elif stripped.startswith("```"):
            flush()
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            i += 1
            out.append(f"<pre><code>{_e(chr(10).join(body))}</code></pre>")
        elif re.match(r"^#{1,6}\s", stripped):
            flush()
            hashes, title = stripped.split(None, 1)
            level = min(6, heading_level + len(hashes) - 1)
            out.append(f"<h{level}>{inline(title)}</h{level}>")
            i += 1
        elif stripped.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                    rows.append(cells)
                i += 1
            table = ["<table>"]
            for n, cells in enumerate(rows):
                tag = "th" if n == 0 else "td"
                table.append("<tr>" + "".join(f"<{tag}>{inline(c)}</{tag}>" for c in cells) + "</tr>")
            table.append("</table>")
            out.append("".join(table))
        elif _LIST_ITEM.match(line):
            flush()
            ordered = _LIST_ITEM.match(line).group(2)[0].isdigit()
            items: list[list[str]] = []
            while i < len(lines):
                match = _LIST_ITEM.match(lines[i])
                if match:
                    items.append([match.group(3)])
                elif lines[i].strip() and lines[i][:1].isspace() and items:
                    items[-1].append(lines[i].strip())
                else:
                    break
                i += 1
            tag = "ol" if ordered else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{inline(' '.join(item))}</li>" for item in items) + f"</{tag}>")
        else:
            para.append(line)
            i += 1
    flush()
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# Document access
# --------------------------------------------------------------------------------------------------


class _Doc:
    def __init__(self, doc: dict, folder: Path | None) -> None:
        self.doc = doc
        self.folder = folder
        self.files: dict[str, Any] = {}

    @staticmethod
    def pointer(node: Any, pointer: str) -> Any:
        """The node at a JSON pointer, or None when there is none (the page shows what it cannot resolve)."""
        try:
            return resolve_pointer(node, pointer)
        except KeyError:
            return None

    def local(self, node: Any) -> Any:
        """Follow local refs (``#/...``); anything else is returned as it is."""
        for _ in range(32):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                return node
            node = self.pointer(self.doc, unquote(ref[1:]))
        return node

    def external(self, ref: str) -> Any:
        """The target of a cross-file ref, or None when it cannot be read (the page still renders)."""
        file_part, _, fragment = ref.partition("#")
        if self.folder is None or "://" in file_part:
            return None
        if file_part not in self.files:
            try:
                self.files[file_part] = yaml.safe_load((self.folder / file_part).read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                self.files[file_part] = None
        return self.pointer(self.files[file_part], unquote(fragment)) if self.files[file_part] else None

    @staticmethod
    def ref_name(ref: str) -> str:
        return unquote(ref).rstrip("/").rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


# --------------------------------------------------------------------------------------------------
# Schemas as indented property tables
# --------------------------------------------------------------------------------------------------


def _type_text(schema: dict) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        text = " | ".join(str(k) for k in kind)
    elif kind:
        text = str(kind)
    elif "properties" in schema:
        text = "object"
    elif any(k in schema for k in ("oneOf", "anyOf", "allOf")):
        text = next(k for k in ("oneOf", "anyOf", "allOf") if k in schema)
    else:
        text = "any"
    if schema.get("nullable") is True and "null" not in text:
        text += " | null"
    if schema.get("format"):
        text += f" ({schema['format']})"
    return text


def _constraints(schema: dict) -> list[str]:
    out: list[str] = []
    if "const" in schema:
        out.append(f"always <code>{_e(json.dumps(schema['const'], ensure_ascii=False))}</code>")
    if "enum" in schema:
        values = (f"<code>{_e(json.dumps(v, ensure_ascii=False))}</code>" for v in schema["enum"])
        out.append("one of " + ", ".join(values))
    if "pattern" in schema:
        out.append(f"pattern <code>{_e(schema['pattern'])}</code>")
    pairs = (
        ("minLength", "maxLength", "length"), ("minimum", "maximum", "value"), ("minItems", "maxItems", "items"),
        ("minProperties", "maxProperties", "properties"),
    )
    for low, high, what in pairs:
        lo, hi = schema.get(low), schema.get(high)
        if lo is not None and hi is not None:
            out.append(f"{what} {_e(lo)}–{_e(hi)}" if lo != hi else f"{what} {_e(lo)}")
        elif lo is not None:
            out.append(f"{what} ≥ {_e(lo)}")
        elif hi is not None:
            out.append(f"{what} ≤ {_e(hi)}")
    for key in ("exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        if key in schema:
            out.append(f"{key} {_e(schema[key])}")
    if schema.get("uniqueItems"):
        out.append("unique items")
    if schema.get("additionalProperties") is False:
        out.append("no other fields")
    if "default" in schema:
        out.append(f"default <code>{_e(json.dumps(schema['default'], ensure_ascii=False))}</code>")
    return out


def _first_sentence(text: Any) -> str:
    text = " ".join(str(text or "").split())
    match = re.match(r"(.+?\.)(\s|$)", text)
    return match.group(1) if match else text


class _SchemaTable:
    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.rows: list[str] = []

    def row(self, depth: int, name: str, required: bool, kind: str, notes: list[str], description: str) -> None:
        pad = f' style="padding-left:{8 + 18 * depth}px"' if depth else ""
        req = ' <span class="req">required</span>' if required else ""
        detail = "; ".join(notes)
        desc = markdown(description) if description else ""
        if detail:
            desc = (desc + "\n" if desc else "") + f"<div class=\"ref\">{detail}</div>"
        self.rows.append(
            f'<tr><td class="prop"{pad}><code>{_e(name)}</code>{req}</td><td>{kind}</td><td>{desc}</td></tr>'
        )

    def walk(self, node: Any, name: str, required: bool, depth: int, seen: tuple[str, ...]) -> None:
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str) and not ref.startswith("#"):
            target = self.doc.external(ref)
            target = target if isinstance(target, dict) else {}
            kind = f"{_e(_type_text(target)) if target else 'see'} <span class=\"ref\">REST <code>" \
                   f"{_e(self.doc.ref_name(ref))}</code></span>"
            self.row(depth, name, required, kind, [], _first_sentence(target.get("description")))
            return
        label = ""
        if isinstance(ref, str):
            label = self.doc.ref_name(ref)
            if ref in seen or depth > _MAX_DEPTH:
                self.row(depth, name, required, f"<code>{_e(label)}</code>", ["see above"], "")
                return
            seen = seen + (ref,)
        schema = self.doc.local(node)
        schema = schema if isinstance(schema, dict) else {}
        kind = _e(_type_text(schema))
        if label:
            kind += f' <span class="ref">(<code>{_e(label)}</code>)</span>'
        self.row(depth, name, required, kind, _constraints(schema), str(schema.get("description") or ""))
        required_names = set(schema.get("required") or [])
        for prop, sub in (schema.get("properties") or {}).items():
            self.walk(sub, prop, prop in required_names, depth + 1, seen)
        items = schema.get("items")
        if isinstance(items, dict):
            self.walk(items, "[ ]", False, depth + 1, seen)
        additional = schema.get("additionalProperties")
        if isinstance(additional, dict) and additional:
            self.walk(additional, "{ * }", False, depth + 1, seen)
        for keyword in ("oneOf", "anyOf", "allOf"):
            for n, sub in enumerate(schema.get(keyword) or [], 1):
                self.walk(sub, f"{keyword} #{n}", False, depth + 1, seen)


def schema_table(doc: _Doc, schema: Any, name: str = "payload") -> str:
    table = _SchemaTable(doc)
    table.walk(schema, name, False, 0, ())
    head = "<tr><th>field</th><th>type</th><th>description and constraints</th></tr>"
    return f'<table class="schema">{head}{"".join(table.rows)}</table>'


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------


def _messages_of(doc: _Doc, refs: Any, channel_name: str | None) -> list[tuple[str, str]]:
    """(channel, key) of each message an operation or reply names; all the channel's when it names none."""
    channels = doc.doc.get("channels") or {}
    if refs is None and channel_name:
        return [(channel_name, key) for key in (doc.local(channels.get(channel_name)) or {}).get("messages") or {}]
    out = []
    for ref in refs or []:
        raw = ref.get("$ref") if isinstance(ref, dict) else None
        match = re.fullmatch(r"#/channels/([^/]+)/messages/([^/]+)", unquote(raw or ""))
        if match:
            out.append((match.group(1).replace("~1", "/"), match.group(2).replace("~1", "/")))
    return out


def _message_link(channel: str, key: str, doc: _Doc) -> str:
    message = doc.local(((doc.doc.get("channels") or {}).get(channel) or {}).get("messages", {}).get(key)) or {}
    title = message.get("title") if isinstance(message, dict) else None
    text = f"<code>{_e(key)}</code>" + (f" — {_e(title)}" if title else "")
    return f'<a href="#{anchor("message", channel, key)}">{text}</a>'


def _channel_key(op: dict) -> str | None:
    ref = (op.get("channel") or {}).get("$ref") if isinstance(op.get("channel"), dict) else None
    match = re.fullmatch(r"#/channels/([^/]+)", unquote(ref or ""))
    return match.group(1).replace("~1", "/") if match else None


def _server_url(server: dict) -> str:
    return f"{server.get('protocol', '')}://{server.get('host', '')}{server.get('pathname') or ''}"


def _operations_by_tag(doc: _Doc) -> list[tuple[str, str, list[str]]]:
    """(tag, description, operation ids) in ``info.tags`` order, then other tags, then untagged."""
    tags: dict[str, str] = {}
    for tag in (doc.doc.get("info") or {}).get("tags") or []:
        tag = doc.local(tag)
        if isinstance(tag, dict) and tag.get("name"):
            tags[str(tag["name"])] = str(tag.get("description") or "")
    groups: dict[str, list[str]] = {name: [] for name in tags}
    untagged: list[str] = []
    for op_id, op in (doc.doc.get("operations") or {}).items():
        op = doc.local(op) or {}
        names = [str((doc.local(t) or {}).get("name")) for t in op.get("tags") or [] if isinstance(doc.local(t), dict)]
        if not names:
            untagged.append(op_id)
        for name in names[:1]:  # an operation is listed under its first tag
            groups.setdefault(name, []).append(op_id)
    out = [(name, tags.get(name, ""), ops) for name, ops in groups.items() if ops]
    if untagged:
        out.append(("other", "", untagged))
    return out


def render(raw_doc: dict, folder: Path | str | None = None) -> str:
    """The HTML page of an AsyncAPI 3.0 document (``folder``: where its cross-file refs resolve)."""
    doc = _Doc(raw_doc, Path(folder) if folder is not None else None)
    info = raw_doc.get("info") or {}
    servers = raw_doc.get("servers") or {}
    channels = raw_doc.get("channels") or {}
    operations = raw_doc.get("operations") or {}
    groups = _operations_by_tag(doc)
    title = str(info.get("title") or "AsyncAPI document")
    version = str(info.get("version") or "")

    used_components: set[str] = set()
    for channel in channels.values():
        for msg in ((doc.local(channel) or {}).get("messages") or {}).values():
            if isinstance(msg, dict) and isinstance(msg.get("$ref"), str):
                used_components.add(doc.ref_name(msg["$ref"]))
    orphans = [k for k in ((raw_doc.get("components") or {}).get("messages") or {}) if k not in used_components]

    p: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} {_e(version)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f'<h1>{_e(title)} <span class="version">{_e(version)}</span></h1>',
    ]
    meta = [f"AsyncAPI {_e(raw_doc.get('asyncapi', ''))}"]
    if raw_doc.get("defaultContentType"):
        meta.append(f"default content type <code>{_e(raw_doc['defaultContentType'])}</code>")
    contact, license_ = info.get("contact") or {}, info.get("license") or {}
    if contact.get("name") or contact.get("email"):
        meta.append("contact " + _e(" ".join(str(contact.get(k)) for k in ("name", "email") if contact.get(k))))
    if license_.get("name"):
        meta.append("license " + _e(license_["name"]))
    p.append(f'<p class="meta">{" · ".join(meta)}</p>')
    p.append("</header>")

    # Table of contents
    p.append('<nav id="toc"><h2>Contents</h2><ul>')
    p.append('<li><a href="#overview">Overview</a></li>')
    p.append('<li><a href="#servers">Servers</a><ul>')
    p += [f'<li><a href="#{anchor("server", n)}"><code>{_e(n)}</code></a></li>' for n in servers]
    p.append('</ul></li><li><a href="#channels">Channels</a><ul>')
    p += [f'<li><a href="#{anchor("channel", n)}"><code>{_e(n)}</code></a></li>' for n in channels]
    p.append('</ul></li><li><a href="#operations">Operations</a><ul>')
    for tag, _, op_ids in groups:
        p.append(f'<li><a href="#{anchor("tag", tag)}">{_e(tag)}</a><ul>')
        p += [f'<li><a href="#{anchor("operation", o)}"><code>{_e(o)}</code></a></li>' for o in op_ids]
        p.append("</ul></li>")
    p.append('</ul></li><li><a href="#messages">Messages</a><ul>')
    for name, channel in channels.items():
        for key in (doc.local(channel) or {}).get("messages") or {}:
            p.append(f'<li><a href="#{anchor("message", name, key)}"><code>{_e(key)}</code></a></li>')
    p += [f'<li><a href="#{anchor("message", "components", k)}"><code>{_e(k)}</code></a></li>' for k in orphans]
    p.append("</ul></li></ul></nav>")

    p.append("<main>")
    p.append('<section id="overview"><h2>Overview</h2>')
    p.append(markdown(info.get("description"), heading_level=2))
    p.append("</section>")

    # Servers
    p.append('<section id="servers"><h2>Servers</h2>')
    p.append("<table><tr><th>name</th><th>URL</th><th>protocol</th><th>description</th></tr>")
    for name, raw in servers.items():
        server = doc.local(raw) or {}
        desc = markdown(server.get("description")) or _e(server.get("title") or "")
        if server.get("title") and server.get("description"):
            desc = f"<p><strong>{_e(server['title'])}</strong></p>{desc}"
        p.append(
            f'<tr id="{anchor("server", name)}"><td><code>{_e(name)}</code></td>'
            f"<td><code>{_e(_server_url(server))}</code></td><td>{_e(server.get('protocol', ''))}</td>"
            f"<td>{desc}</td></tr>"
        )
    p.append("</table></section>")

    # Channels
    p.append('<section id="channels"><h2>Channels</h2>')
    for name, raw in channels.items():
        channel = doc.local(raw) or {}
        p.append(f'<div class="card" id="{anchor("channel", name)}">')
        p.append(f"<h3><code>{_e(name)}</code> {_e(channel.get('title') or '')}</h3>")
        p.append(f"<p>Address: <code>{_e(channel.get('address'))}</code></p>")
        chan_servers = [
            doc.ref_name(s["$ref"]) for s in channel.get("servers") or [] if isinstance(s, dict) and "$ref" in s
        ]
        if chan_servers:
            links = ", ".join(f'<a href="#{anchor("server", s)}"><code>{_e(s)}</code></a>' for s in chan_servers)
            p.append(f"<p>Servers: {links}</p>")
        p.append(markdown(channel.get("summary")))
        p.append(markdown(channel.get("description")))
        p.append("<h4>Messages</h4><ul>")
        p += [f"<li>{_message_link(name, key, doc)}</li>" for key in channel.get("messages") or {}]
        p.append("</ul>")
        codes = channel.get("x-cooud-close-codes") or []
        if codes:
            p.append("<h4>Close codes</h4><table><tr><th>code</th><th>reason</th></tr>")
            for entry in codes:
                entry = entry if isinstance(entry, dict) else {}
                code, reason = _e(entry.get("code")), _e(entry.get("reason", ""))
                p.append(f"<tr><td><code>{code}</code></td><td>{reason}</td></tr>")
            p.append("</table>")
        if channel.get("parameters"):
            p.append(f"<h4>Parameters</h4><pre><code>{_e(_json(channel['parameters']))}</code></pre>")
        if channel.get("bindings"):
            p.append(f"<h4>Bindings</h4><pre><code>{_e(_json(channel['bindings']))}</code></pre>")
        p.append("</div>")
    p.append("</section>")

    # Operations
    p.append('<section id="operations"><h2>Operations</h2>')
    for tag, description, op_ids in groups:
        p.append(f'<section id="{anchor("tag", tag)}"><h3>{_e(tag)}</h3>')
        p.append(markdown(description))
        for op_id in op_ids:
            op = doc.local(operations[op_id]) or {}
            action = str(op.get("action") or "")
            chan = _channel_key(op)
            p.append(f'<div class="card" id="{anchor("operation", op_id)}">')
            p.append(
                f'<h4><span class="badge {_e(action)}">{_e(action)}</span> <code>{_e(op_id)}</code> '
                f"{_e(op.get('title') or '')}</h4>"
            )
            if op.get("summary"):
                p.append(f'<p class="summary">{inline(str(op["summary"]))}</p>')
            p.append(markdown(op.get("description")))
            if chan:
                p.append(f'<p>Channel: <a href="#{anchor("channel", chan)}"><code>{_e(chan)}</code></a></p>')
            verb = "The server receives" if action == "receive" else "The server sends"
            msgs = _messages_of(doc, op.get("messages"), chan)
            links = "".join(f"<li>{_message_link(c, k, doc)}</li>" for c, k in msgs)
            p.append(f"<h5>{verb}</h5><ul>{links}</ul>")
            if "reply" in op:
                reply = doc.local(op["reply"]) or {}
                rchan = _channel_key(reply) or chan
                rmsgs = _messages_of(doc, reply.get("messages"), rchan)
                rverb = "sends" if action == "receive" else "receives"
                p.append(
                    f"<h5>Reply (the server {rverb} one of)</h5><ul>"
                    + "".join(f"<li>{_message_link(c, k, doc)}</li>" for c, k in rmsgs)
                    + "</ul>"
                )
            p.append("</div>")
        p.append("</section>")
    p.append("</section>")

    # Messages
    p.append('<section id="messages"><h2>Messages</h2>')
    entries = [
        (name, key, raw_msg)
        for name, channel in channels.items()
        for key, raw_msg in ((doc.local(channel) or {}).get("messages") or {}).items()
    ]
    entries += [("components", k, (raw_doc.get("components") or {})["messages"][k]) for k in orphans]
    correlation_ids = (raw_doc.get("components") or {}).get("correlationIds") or {}
    usage: dict[tuple[str, str], list[str]] = {}
    for op_id, raw_op in operations.items():
        op = doc.local(raw_op) or {}
        chan = _channel_key(op)
        used = _messages_of(doc, op.get("messages"), chan)
        if "reply" in op:
            reply = doc.local(op["reply"]) or {}
            used += _messages_of(doc, reply.get("messages"), _channel_key(reply) or chan)
        for pair in used:
            if op_id not in usage.setdefault(pair, []):
                usage[pair].append(op_id)
    for chan, key, raw_msg in entries:
        message = doc.local(raw_msg) or {}
        p.append(f'<div class="card" id="{anchor("message", chan, key)}">')
        p.append(f"<h3><code>{_e(key)}</code> {_e(message.get('title') or '')}</h3>")
        facts = []
        if message.get("name"):
            facts.append(f"name <code>{_e(message['name'])}</code>")
        content_type = message.get("contentType") or raw_doc.get("defaultContentType")
        if content_type:
            facts.append(f"content type <code>{_e(content_type)}</code>")
        if chan != "components":
            facts.append(f'channel <a href="#{anchor("channel", chan)}"><code>{_e(chan)}</code></a>')
        users = usage.get((chan, key), [])
        if users:
            links = ", ".join(f'<a href="#{anchor("operation", o)}"><code>{_e(o)}</code></a>' for o in users)
            facts.append(f"used by {links}")
        p.append(f'<p class="meta">{" · ".join(facts)}</p>')
        if message.get("summary"):
            p.append(f'<p class="summary">{inline(str(message["summary"]))}</p>')
        p.append(markdown(message.get("description")))
        if "correlationId" in message:
            raw_cid = message["correlationId"]
            cid = doc.local(raw_cid) or {}
            cname = doc.ref_name(raw_cid["$ref"]) if isinstance(raw_cid, dict) and "$ref" in raw_cid else ""
            if cname and cname not in correlation_ids:
                cname = ""
            label = f" (<code>{_e(cname)}</code>)" if cname else ""
            p.append(
                f"<p>Correlation id{label}: <code>{_e(cid.get('location', ''))}</code>"
                + (f" — {inline(str(cid['description']))}" if cid.get("description") else "")
                + "</p>"
            )
        if "payload" in message:
            payload = message["payload"]
            if isinstance(payload, dict) and "schemaFormat" in payload and "$ref" not in payload:
                payload = payload.get("schema", {})
            p.append("<h4>Payload</h4>")
            p.append(schema_table(doc, payload))
        for example in message.get("examples") or []:
            example = example if isinstance(example, dict) else {}
            name = example.get("name") or "example"
            p.append(f"<h5>Example <code>{_e(name)}</code></h5>")
            if example.get("summary"):
                p.append(f"<p>{inline(str(example['summary']))}</p>")
            if "headers" in example:
                p.append(f"<pre><code>{_e(_json(example['headers']))}</code></pre>")
            if "payload" in example:
                p.append(f"<pre><code>{_e(_json(example['payload']))}</code></pre>")
        p.append("</div>")
    p.append("</section>")
    p.append("</main>")
    p.append(
        f"<footer>{_e(title)} {_e(version)} — rendered from the AsyncAPI document by tools/asyncapi_html.py.</footer>"
    )
    p.append("</body>")
    p.append("</html>")
    return "\n".join(part for part in p if part) + "\n"


def render_file(path: Path | str) -> str:
    path = Path(path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise SystemExit(f"{path}: not an AsyncAPI document")
    return render(doc, path.resolve().parent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.asyncapi_html", description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC, help="default: %(default)s")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    page = render_file(args.spec)
    if args.output:
        args.output.write_text(page, encoding="utf-8")
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
