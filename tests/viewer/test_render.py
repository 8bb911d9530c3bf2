"""The viewer's pages: escaped, linking only http(s), under a strict CSP,
rewritten only when they change; and the ``view`` command."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from groupme_async._cli import parse_size
from groupme_async.export import export
from groupme_async.testing import FakeGroupMe
from groupme_async.viewer import CSP, render_site
from groupme_async.viewer._model import segments

from ..cli import run_cli, run_python
from .hostile import FLAG, HOSTILE_TEXTS, hostile_message

URL_ATTRIBUTES = {"href", "src", "poster", "action"}


class Page(HTMLParser):
    """Every tag, attribute and text node of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text())
    return page


def hostile_archive(folder: Path) -> Path:
    folder.mkdir()
    messages = [hostile_message(i + 1, text) for i, text in enumerate(HOSTILE_TEXTS)]
    messages += [
        hostile_message(
            20,
            "@<b>bold</b> mention",
            name='"><script>alert(1)</script>',
            avatar_url="javascript:alert(1)",
            attachments=[
                {"type": "mentions", "user_ids": ["1"], "loci": [[0, 13], [5, 99], [-1, 2]]},
                {"type": "image", "url": "javascript:alert(1)//.png"},
                {"type": "image", "url": 'https://i.groupme.com/1x1.png.abc" onerror="alert(1)'},
                {"type": "video", "url": "data:text/html,<script>alert(1)</script>"},
                {"type": "reply", "reply_id": "999999", "base_reply_id": "999999"},
                {"type": "location", "name": "<i>home</i>", "lat": "1e9", "lng": "x"},
            ],
            reactions=[{"type": "unicode", "code": "<img src=x onerror=alert(1)>", "user_ids": []}],
        ),
        hostile_message(21, "a reply", attachments=[{"type": "reply", "reply_id": "1"}]),
    ]
    lines = "".join(json.dumps(m) + "\n" for m in messages)
    (folder / "group-42.jsonl").write_text(lines)
    names = {"group-42": {"kind": "group", "id": "42", "name": "<script>alert('n')</script>"}}
    (folder / "conversations.json").write_text(json.dumps(names))
    return folder


def test_hostile_messages_are_text_and_only_http_urls_are_links(tmp_path: Path) -> None:
    archive = hostile_archive(tmp_path / "archive")
    summary = render_site(archive, tmp_path / "site", tz=dt.UTC)
    assert summary.messages == len(HOSTILE_TEXTS) + 2
    pages = sorted((tmp_path / "site").rglob("*.html"))
    month = tmp_path / "site" / "c" / "group-42" / "2020-09.html"
    assert month in pages
    for path in pages:
        page = parse(path)
        scripts = [attrs for tag, attrs in page.tags if tag == "script"]
        assert all(set(a) <= {"src", "defer"} for a in scripts), path
        assert {a["src"] for a in scripts} <= {"search-index.js", "assets/search.js"}
        metas = [a for tag, a in page.tags if tag == "meta" and a.get("http-equiv")]
        assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
        assert page.tags[0] == ("html", {"lang": "en"})
        for tag, attrs in page.tags:
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            for name in URL_ATTRIBUTES & set(attrs):
                value = attrs[name] or ""
                scheme = value.partition(":")[0].lower() if ":" in value.split("/")[0] else ""
                assert scheme in ("", "http", "https"), (path, tag, name, value)
    text = "".join(parse(month).text)
    for hostile in HOSTILE_TEXTS:
        assert hostile.strip().splitlines()[0] in text
    assert "In reply to a message not in the archive" in text
    assert '"><script>alert(1)</script>' in text  # the author's name, as text
    marks = month.read_text().count('<mark class="mention">')
    assert marks == 1  # the one locus inside the text; the others are ignored
    links = [a["href"] for tag, a in parse(month).tags if tag == "a" and a.get("href")]
    assert "http://example.com/" in links and "https://ok.example/path?a=1&b=" in links
    assert links.count("2020-09.html#m1") == 1  # the reply, to the first message


def test_the_search_index_cannot_close_its_script(tmp_path: Path) -> None:
    archive = hostile_archive(tmp_path / "archive")
    render_site(archive, tmp_path / "site", tz=dt.UTC)
    script = (tmp_path / "site" / "search-index.js").read_text()
    assert "<" not in script and ">" not in script and "\u2028" not in script
    data = json.loads(script.removeprefix("window.GM_SEARCH = ").removesuffix(";\n"))
    texts = [m[3] for m in data["messages"]]
    assert f"</script><script>window.{FLAG}=6;alert(6)</script>" in texts
    assert data["conversations"] == ["<script>alert('n')</script>"]


def export_sandbox(fake: FakeGroupMe, out: Path, fmt: str = "jsonl", media: Any = True) -> None:
    async def go() -> None:
        async with fake.client() as gm:
            summary = await export(gm, out, format=fmt, media=media)
        assert summary.ok

    anyio.run(go)


def stamps(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def test_a_rerender_after_an_incremental_export_rewrites_only_what_changed(
    tmp_path: Path,
) -> None:
    fake = FakeGroupMe(3, dm_chats=1, groups=2, messages_per_conversation=120)
    archive, site = tmp_path / "archive", tmp_path / "site"
    export_sandbox(fake, archive)
    first = render_site(archive, site, tz=dt.UTC)
    assert first.written == first.pages and first.media > 0
    before = stamps(site)
    again = render_site(archive, site, tz=dt.UTC)
    assert again.written == 0 and again.media == 0 and stamps(site) == before

    group = next(c for c in fake.conversations() if c.kind == "group")
    folder = f"c/group-{group.id}"
    months_before = sorted(p.name for p in (site / folder).glob("2*.html"))
    posted = fake.post("group", group.id, "a new message")
    export_sandbox(fake, archive)
    third = render_site(archive, site, tz=dt.UTC)
    after = stamps(site)
    changed = {name for name in after if after[name] != before.get(name)}
    month = dt.datetime.fromtimestamp(posted["created_at"], dt.UTC).strftime("%Y-%m.html")
    expected = {"index.html", "search-index.js", f"{folder}/index.html", f"{folder}/{month}"}
    if month not in months_before:
        # The month before gains a "next" link to the new one.
        expected.add(f"{folder}/{months_before[-1]}")
    assert changed == expected
    assert third.written == len(changed)


def test_jsonl_and_sqlite_archives_render_the_same_messages(tmp_path: Path) -> None:
    fake = FakeGroupMe(3, dm_chats=1, groups=1, messages_per_conversation=80)
    export_sandbox(fake, tmp_path / "a", "jsonl", media=False)
    export_sandbox(fake, tmp_path / "b", "sqlite", media=False)
    a = render_site(tmp_path / "a", tmp_path / "sa", tz=dt.UTC)
    b = render_site(tmp_path / "b", tmp_path / "sb", tz=dt.UTC)
    assert a.messages == b.messages == sum(c.message_count for c in fake.conversations())
    for path in (tmp_path / "sa").rglob("*.html"):
        assert (
            path.read_bytes() == (tmp_path / "sb" / path.relative_to(tmp_path / "sa")).read_bytes()
        )
    # Without media, pictures come from GroupMe with a note.
    months = list((tmp_path / "sa").glob("c/*/*-*.html"))
    assert any("Not downloaded: shown from GroupMe" in p.read_text() for p in months)


@given(st.text(), st.lists(st.tuples(st.integers(-5, 40), st.integers(-5, 40)), max_size=4))
def test_segments_keep_the_text_and_link_only_http(text: str, loci: list[tuple[int, int]]) -> None:
    found = segments(text, loci)
    assert "".join(s.text for s in found) == text
    for s in found:
        if s.href is not None:
            assert s.kind == "link" and s.href.lower().startswith(("http://", "https://"))


# --- the command ------------------------------------------------------------------------


def test_view_renders_and_reports(tmp_path: Path) -> None:
    archive = hostile_archive(tmp_path / "archive")
    result = run_cli("view", str(archive), "--out", str(tmp_path / "site"), "--timezone", "UTC")
    assert result.returncode == 0, result.stderr
    assert "9 messages" in result.stdout and (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o700


def test_view_without_jinja2_names_the_extra(tmp_path: Path) -> None:
    archive = hostile_archive(tmp_path / "archive")
    result = run_cli("view", str(archive), "--out", str(tmp_path / "site"), blocked=["jinja2"])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: the view command needs Jinja2: pip install 'groupme_async[view]'"
    ]


def test_the_library_imports_without_jinja2() -> None:
    code = "import groupme_async, groupme_async.export\nprint('jinja2' in sys.modules)\n"
    result = run_python(code, blocked=["jinja2"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_view_of_a_folder_without_an_archive_is_one_line(tmp_path: Path) -> None:
    result = run_cli("view", str(tmp_path), "--out", str(tmp_path / "site"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "holds no archive" in result.stderr


def test_export_media_then_view_from_the_command_line(tmp_path: Path) -> None:
    out, site = str(tmp_path / "a"), str(tmp_path / "s")
    first = run_cli("export", "--sandbox", "--dms", "--media", "--out", out, timeout=180)
    assert first.returncode == 0, first.stderr
    assert re.search(r"^media: [1-9][\d,]* downloaded", first.stdout, re.M), first.stdout
    assert run_cli("view", out, "--out", site).returncode == 0
    again = run_cli("export", "--sandbox", "--dms", "--media", "--out", out, timeout=180)
    assert re.search(r"^media: 0 downloaded \(0 bytes\)", again.stdout, re.M), again.stdout
    rerender = run_cli("view", out, "--out", site)
    assert " 0 files written" in rerender.stdout and " 0 media files added" in rerender.stdout


@pytest.mark.parametrize(("text", "size"), [("100", 100), ("20M", 20 * 2**20), ("1.5k", 1536)])
def test_media_sizes_read_as_people_write_them(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_a_bad_media_size_is_refused(tmp_path: Path) -> None:
    result = run_cli("export", "--sandbox", "--media-max-size", "lots", "--out", str(tmp_path))
    assert result.returncode == 2 and "not a size" in result.stderr
