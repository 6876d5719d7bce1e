"""tools/asyncapi_html.py: the HTML page of spec/asyncapi.yaml names every channel, operation and message, shows
every example, is well-formed, self-contained, escaped and byte-identical across runs; the committed
generated/docs/asyncapi.html is what the renderer produces."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tools import asyncapi_html
from tools.codegen import header

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "spec" / "asyncapi.yaml"
DOC = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Collects text, ids, internal links and tag-balance problems."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        for name, value in attrs:
            if name == "id":
                self.ids.append(value)
            if name == "href":
                self.hrefs.append(value)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def page() -> str:
    return asyncapi_html.render_file(SPEC)


@pytest.fixture(scope="module")
def parsed(page) -> Page:
    return parse(page)


def test_well_formed_with_balanced_main_tags(parsed: Page) -> None:
    assert parsed.problems == []
    assert parsed.stack == []
    for tag in ("html", "head", "body", "main", "nav", "header", "footer", "style", "title"):
        assert parsed.tags.count(tag) == 1, tag
    assert parsed.tags.count("section") >= 5 and parsed.tags.count("table") >= 3


def test_self_contained(page: str, parsed: Page) -> None:
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert not any(name == "src" for name, _ in parsed.attrs)
    assert all(href.startswith("#") for href in parsed.hrefs)
    assert "@import" not in page and "url(" not in page


def test_anchors_are_unique_and_links_resolve(parsed: Page) -> None:
    assert len(parsed.ids) == len(set(parsed.ids))
    missing = {href for href in parsed.hrefs if href[1:] not in parsed.ids}
    assert missing == set()


def test_every_channel_operation_and_message_is_named_and_anchored(parsed: Page) -> None:
    text = "".join(parsed.text)
    for name, channel in DOC["channels"].items():
        assert name in text and f"channel-{name}" in parsed.ids
        for key in channel["messages"]:
            assert key in text and f"message-{name}-{key}" in parsed.ids
    for op_id, op in DOC["operations"].items():
        assert op_id in text and f"operation-{op_id}" in parsed.ids
        assert op["title"] in text
    for name, message in DOC["components"]["messages"].items():
        assert message["name"] in text and message["title"] in text, name
    for server in DOC["servers"]:
        assert f"server-{server}" in parsed.ids
    assert f"{DOC['info']['title']} {DOC['info']['version']}" in text
    for entry in DOC["channels"]["stream"]["x-cooud-close-codes"]:
        assert str(entry["code"]) in text and entry["reason"] in text


def test_every_example_is_shown_as_pretty_json(parsed: Page) -> None:
    text = "".join(parsed.text)
    for message in DOC["components"]["messages"].values():
        for example in message.get("examples") or []:
            assert f'"op": "{example["payload"]["op"]}"' in text
            assert json.dumps(example["payload"], indent=2, ensure_ascii=False) in text
            assert example["name"] in text


def test_payload_tables_name_rest_schemas_and_local_ones(parsed: Page) -> None:
    text = "".join(parsed.text)
    assert "REST Error" in text and "REST Order" in text and "REST Timestamp" in text
    assert "(ClientRequestId)" in text and "(SubscribeRequestPayload)" in text
    assert 'always "subscribe"' in text  # const
    assert "string | null" in text  # type: [string, 'null']
    assert "RFC 3339 UTC timestamp" in text  # the REST schema's description, read from openapi.yaml


def test_operations_are_grouped_by_tag_in_info_order(page: str) -> None:
    tags = [t["name"] for t in DOC["info"]["tags"]]
    positions = [page.index(f'id="tag-{tag}"') for tag in tags]
    assert positions == sorted(positions)
    for op_id, op in DOC["operations"].items():
        tag = op["tags"][0]["name"]
        assert page.index(f'id="tag-{tag}"') < page.index(f'id="operation-{op_id}"')


def test_deterministic(page: str) -> None:
    assert asyncapi_html.render_file(SPEC) == page
    assert asyncapi_html.render(copy.deepcopy(DOC), SPEC.parent) == page


def test_committed_page_is_current(page: str) -> None:
    committed = (REPO / "generated" / "docs" / "asyncapi.html").read_text(encoding="utf-8")
    assert committed.splitlines()[0] == header("spec/asyncapi.yaml", "<!--").rstrip("\n")
    assert committed == header("spec/asyncapi.yaml", "<!--") + page


def test_text_is_escaped() -> None:
    doc = copy.deepcopy(DOC)
    doc["info"]["description"] = "Hello <script>alert(1)</script> & `<b>` **bold**"
    doc["operations"]["sendHeartbeat"]["title"] = "<img src=x onerror=alert(1)>"
    doc["components"]["messages"]["Heartbeat"]["examples"][0]["payload"]["note"] = "</pre><script>"
    parsed = parse(asyncapi_html.render(doc, SPEC.parent))
    assert parsed.problems == [] and parsed.stack == []
    assert "script" not in parsed.tags and "img" not in parsed.tags and "b" not in parsed.tags
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text
    assert "strong" in parsed.tags


def test_markdown_subset() -> None:
    out = asyncapi_html.markdown(
        "Intro `a<b>` line\ncontinues.\n\n## Head\n- one\n  more\n- two\nAfter.\n\n| c | m |\n|---|---|\n| 1 | x |\n"
    )
    assert "<p>Intro <code>a&lt;b&gt;</code> line continues.</p>" in out
    assert "<h4>Head</h4>" in out
    assert "<ul><li>one more</li><li>two</li></ul>" in out
    assert "<p>After.</p>" in out
    assert "<table><tr><th>c</th><th>m</th></tr><tr><td>1</td><td>x</td></tr></table>" in out


def test_unreadable_rest_file_still_renders(tmp_path: Path) -> None:
    # Without openapi.yaml beside it the REST schemas are named, not described.
    target = tmp_path / "asyncapi.yaml"
    target.write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    parsed = parse(asyncapi_html.render_file(target))
    assert parsed.problems == [] and "REST Error" in "".join(parsed.text)
