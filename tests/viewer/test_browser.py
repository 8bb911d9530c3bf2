"""The sandbox archive's site in a real headless Chromium (Debian's, driven by
Playwright): it renders, its pictures decode, search works from file://, the
console stays clean, nothing touches the network, and hostile messages stay
inert text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, Request, sync_playwright

from groupme_async._cli import SANDBOX
from groupme_async.export import export
from groupme_async.testing import FakeGroupMe
from groupme_async.viewer import render_site

from .hostile import FLAG, HOSTILE_TEXTS, NEEDLE, post_hostile

CHROMIUM = Path("/usr/bin/chromium")
#: The flags this workplace's machines need (no sandbox as root, no
#: background connections to a network that is not there).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Site:
    def __init__(self, root: Path, fake: FakeGroupMe, hostile_page: str) -> None:
        self.root = root
        self.fake = fake
        self.hostile_page = hostile_page

    def url(self, relative: str) -> str:
        return (self.root / relative).as_uri()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    base = tmp_path_factory.mktemp("browser")
    fake = FakeGroupMe(**SANDBOX)
    group = post_hostile(fake)

    async def archive() -> None:
        async with fake.client() as gm:
            summary = await export(gm, base / "archive", media="avatars")
        assert summary.ok and summary.media is not None
        assert summary.media.downloaded > 500

    anyio.run(archive)
    render_site(base / "archive", base / "site", tz=dt.UTC)
    newest = max(fake.messages("group", group["id"]), key=lambda m: int(m["id"]))
    month = dt.datetime.fromtimestamp(newest["created_at"], dt.UTC).strftime("%Y-%m")
    return Site(base / "site", fake, f"c/group-{group['id']}/{month}.html")


class Watched:
    """A browser page whose console errors, dialogs and network requests are kept."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.remote: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{message.type}: {message.text}")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request: Request) -> None:
        if not request.url.startswith("file://"):
            self.remote.append(request.url)


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watched]:
    # Not skipped when chromium is missing: nox installs it (see noxfile.py).
    assert CHROMIUM.exists(), "Debian's chromium is missing: apt-get install -y chromium"
    profile = tmp_path_factory.mktemp("profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        try:
            yield Watched(context.new_page())
        finally:
            context.close()


def _clean(watched: Watched) -> None:
    assert watched.errors == []
    assert watched.dialogs == []
    assert watched.remote == []


def test_the_index_lists_every_conversation(site: Site, browser_page: Watched) -> None:
    page = browser_page.page
    page.goto(site.url("index.html"))
    rows = page.locator("table.conversations tbody tr")
    names = {c.name for c in site.fake.conversations()}
    assert rows.count() == len(names)
    assert {rows.nth(i).locator("th a").inner_text() for i in range(rows.count())} == names
    assert page.locator("html").get_attribute("lang") == "en"
    _clean(browser_page)


def _decode_every_picture(page: Page) -> dict[str, Any]:
    # Lazy pictures below the fold would not load: ask for them all, and let
    # decode() reject for any the browser cannot render.
    result: dict[str, Any] = page.evaluate(
        """async () => {
            const imgs = [...document.querySelectorAll('img')];
            imgs.forEach(img => { img.loading = 'eager'; });
            const failed = [];
            await Promise.all(imgs.map(img => img.decode().catch(() => failed.push(img.src))));
            return {count: imgs.length, failed,
                    widths: imgs.map(img => img.naturalWidth)};
        }"""
    )
    return result


def test_pictures_videos_and_avatars_render_from_the_archive(
    site: Site, browser_page: Watched
) -> None:
    page = browser_page.page
    pages = sorted(site.root.glob("c/group-*/*-*.html"))
    with_pictures = [p for p in pages if 'class="picture"' in p.read_text()]
    with_video = [p for p in pages if "<video" in p.read_text()]
    assert with_pictures and with_video
    for path in with_pictures[:3] + with_video[:2]:
        page.goto(path.as_uri())
        found = _decode_every_picture(page)
        assert found["count"] > 0 and found["failed"] == [], path
        assert all(w > 0 for w in found["widths"])
        assert page.locator("figure.picture img, video, img.avatar").count() > 0
        assert page.locator("text=Not downloaded").count() == 0
    _clean(browser_page)


def test_search_finds_a_known_message_from_file_urls(site: Site, browser_page: Watched) -> None:
    page = browser_page.page
    page.goto(site.url("index.html"))
    page.fill("#q", "ZEBRACORNFLAKES")
    page.press("#q", "Enter")
    page.wait_for_url("**/search.html?q=*")
    results = page.locator("#results li a")
    results.first.wait_for()
    assert results.count() == 1
    assert results.first.inner_text() == NEEDLE
    # Typing narrows the results live, without a reload.
    page.fill("#q", "zebracornflakes nothing-else-matches")
    page.locator("#search-status", has_text="No messages match").wait_for()
    page.fill("#q", "rendezvous zebracornflakes")
    results.first.wait_for()
    results.first.click()
    page.wait_for_url("**#m*")
    target = page.url.rpartition("#")[2]
    assert page.locator(f"#{target}").inner_text().count(NEEDLE) == 1
    _clean(browser_page)


def test_hostile_messages_stay_inert_text(site: Site, browser_page: Watched) -> None:
    page = browser_page.page
    page.goto(site.url(site.hostile_page))
    for text in HOSTILE_TEXTS:
        first_line = text.split("\u2028")[0].strip() or text.strip()
        assert page.get_by_text(first_line[:30], exact=False).count() >= 1, text
    page.hover("main")
    page.mouse.move(5, 5)
    for link in page.locator("main a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith(("javascript:", "data:", "vbscript:")), href
    assert page.evaluate(f"typeof window.{FLAG}") == "undefined"
    # The search page holds every hostile text in its index script.
    page.goto(site.url("search.html") + "?q=script")
    page.locator("#results li").first.wait_for()
    assert page.evaluate(f"typeof window.{FLAG}") == "undefined"
    assert page.locator("#results li a", has_text="</script><script>").count() == 1
    _clean(browser_page)
