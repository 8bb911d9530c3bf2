"""export(..., media=...): every attachment's media in media/, content-addressed,
resumable, retried and reported, and the token never sent to a media host."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from groupme_async.export import MediaOptions, export, read_manifest
from groupme_async.testing import FakeGroupMe
from groupme_async.testing._pictures import png

from .conftest import VirtualClock, make_client, make_fake
from .hostile import Crash, CrashAt

MEDIA_HOSTS = ("https://i.groupme.com/", "https://v.groupme.com/")


def world(clock: VirtualClock, **kwargs: Any) -> FakeGroupMe:
    options = {"seed": 5, "dm_chats": 1, "groups": 1, "messages_per_conversation": 150}
    return make_fake(clock, **(options | kwargs))


def referenced(fake: FakeGroupMe, avatars: bool = True) -> set[str]:
    """Every media key the fake's messages refer to."""
    keys: set[str] = set()
    for conv in fake.conversations():
        for m in fake.messages(conv.kind, conv.id):
            for a in m["attachments"]:
                if a["type"] == "image":
                    keys.add(a["url"])
                elif a["type"] == "video":
                    keys |= {a["url"], a["preview_url"]}
                elif a["type"] == "file":
                    keys.add(f"file:{conv.conversation_id}/{a['file_id']}")
            if avatars and not m.get("system") and m.get("avatar_url"):
                keys.add(m["avatar_url"])
    return keys


async def run(fake: FakeGroupMe, clock: VirtualClock, out: Path, **kwargs: Any) -> Any:
    transport = kwargs.pop("transport", None)
    async with make_client(fake, clock, transport) as gm:
        return await export(gm, out, **kwargs)


def check_media_folder(out: Path) -> dict[str, dict[str, Any]]:
    """Every listed file is there, whole, named by its SHA-256, and private."""
    manifest = read_manifest(out)
    folder = out / "media"
    assert folder.stat().st_mode & 0o777 == 0o700
    for entry in manifest.values():
        path = folder / entry["file"]
        data = path.read_bytes()
        assert len(data) == entry["size"]
        assert path.name.partition(".")[0] == hashlib.sha256(data).hexdigest()
        assert path.stat().st_mode & 0o777 == 0o600
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    return manifest


@pytest.mark.parametrize("fmt", ["jsonl", "sqlite"])
async def test_every_medium_is_downloaded_once_and_a_rerun_fetches_nothing(
    tmp_path: Path, fmt: str
) -> None:
    clock = VirtualClock()
    fake = world(clock)
    summary = await run(fake, clock, tmp_path, format=fmt, media="avatars")
    wanted = referenced(fake)
    kinds = {k.split("/")[2] if k.startswith("https") else "file" for k in wanted}
    assert kinds == {"i.groupme.com", "v.groupme.com", "file"}
    assert summary.ok and summary.media.ok
    assert summary.media.downloaded == summary.media.referenced == len(wanted)
    manifest = check_media_folder(tmp_path)
    assert set(manifest) == wanted
    by_kind = {e["kind"]: e for e in manifest.values()}
    assert by_kind["image"]["file"].endswith(".jpg") and by_kind["video"]["file"].endswith(".mp4")
    assert by_kind["file"]["name"] and by_kind["file"]["type"] in ("application/pdf", "text/plain")
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "media").iterdir()}
    requests = len(fake.media_requests)

    again = await run(fake, clock, tmp_path, format=fmt, media="avatars")
    assert again.media.downloaded == 0 and again.media.already == len(wanted)
    assert len(fake.media_requests) == requests
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "media").iterdir()} == stamps


async def test_attachments_only_leaves_avatars_and_no_media_leaves_no_folder(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    fake = world(clock)
    await run(fake, clock, tmp_path / "none")
    assert not (tmp_path / "none" / "media").exists()
    summary = await run(fake, clock, tmp_path / "attachments", media=True)
    assert set(read_manifest(tmp_path / "attachments")) == referenced(fake, avatars=False)
    assert summary.media.referenced < len(referenced(fake))


class Recorder(httpx.AsyncBaseTransport):
    """Wraps the fake's transport and keeps every request."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_the_token_goes_to_the_file_service_and_never_to_a_media_host(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    fake = world(clock)
    recorder = Recorder(fake.transport())
    await run(fake, clock, tmp_path, media="avatars", transport=recorder)
    media = [r for r in recorder.requests if r.url.path.startswith("/media/")]
    files = [r for r in recorder.requests if r.url.path.startswith("/file/")]
    assert media and files
    assert all("x-access-token" not in r.headers and not r.url.query for r in media)
    assert all(r.headers["x-access-token"] == fake.token for r in files)
    assert all(not token for _, token in fake.media_requests)


def first_image(fake: FakeGroupMe) -> list[str]:
    return sorted(k for k in referenced(fake, avatars=False) if k.startswith(MEDIA_HOSTS[0]))


async def test_a_failed_download_is_reported_never_fails_the_export_and_is_retried(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    fake = world(clock)
    gone, broken = first_image(fake)[:2]
    fake.serve_media(gone, b"gone", status=404, content_type="text/plain")
    fake.serve_media(broken, b"oops", status=500, content_type="text/plain")
    summary = await run(fake, clock, tmp_path, media=True)
    assert summary.ok and not summary.media.ok
    assert {f.key for f in summary.media.failures} == {gone, broken}
    manifest = json.loads((tmp_path / "media" / "manifest.json").read_bytes())
    assert set(manifest["failures"]) == {gone, broken}
    assert gone not in manifest["files"]
    # The 500 was retried: by the client's policy, then by the media step.
    assert sum(url == broken for url, _ in fake.media_requests) > 3

    fake.serve_media(gone, png(1, 8, 8), content_type="image/png")
    fake.serve_media(broken, png(2, 8, 8), content_type="image/png")
    again = await run(fake, clock, tmp_path, media=True)
    assert again.media.ok and again.media.downloaded == 2
    manifest = json.loads((tmp_path / "media" / "manifest.json").read_bytes())
    assert manifest["failures"] == {} and {gone, broken} <= set(manifest["files"])
    check_media_folder(tmp_path)


async def test_transient_faults_and_cut_short_bodies_are_retried(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = world(clock, fault_rate=0.2, faults=("500", "503", "drop", "truncate"))
    summary = await run(fake, clock, tmp_path, media=True)
    assert summary.ok and summary.media.ok, summary.media.failures
    assert fake.stats.faults["truncate"] > 0
    assert set(check_media_folder(tmp_path)) == referenced(fake, avatars=False)


async def test_a_type_that_lies_is_recorded_and_the_name_comes_from_the_bytes(
    tmp_path: Path,
) -> None:
    clock = VirtualClock()
    fake = world(clock)
    picture, page = first_image(fake)[:2]
    fake.serve_media(picture, png(3, 8, 8), content_type="text/html")
    fake.serve_media(page, b"<script>alert(1)</script>", content_type="image/png")
    await run(fake, clock, tmp_path, media=True)
    manifest = read_manifest(tmp_path)
    assert manifest[picture]["file"].endswith(".png")
    assert manifest[picture]["content_type"] == "text/html"
    assert manifest[picture]["type_mismatch"] is True
    assert manifest[page]["file"].endswith(".txt")
    assert manifest[page]["type"] == "text/plain" and manifest[page]["type_mismatch"]
    assert not list((tmp_path / "media").glob("*.htm*"))


async def test_other_hosts_are_left_alone_unless_asked_for(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = world(clock)
    group = next(c for c in fake.conversations() if c.kind == "group")
    outside = "https://pictures.example/cat.png"
    fake.post("group", group.id, "look", attachments=[{"type": "image", "url": outside}])
    fake.serve_media(outside, png(4, 8, 8), content_type="image/png")
    summary = await run(fake, clock, tmp_path, media=True)
    assert summary.media.skipped == 1 and outside not in read_manifest(tmp_path)
    assert all(url != outside for url, _ in fake.media_requests)

    again = await run(fake, clock, tmp_path, media=MediaOptions(other_hosts=True))
    assert again.media.downloaded == 1 and outside in read_manifest(tmp_path)


async def test_redirects_are_followed_only_within_the_media_hosts(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = world(clock)
    inside, outside = first_image(fake)[:2]
    fake.serve_media(inside, status=302, location="/moved/elsewhere.png")
    fake.serve_media("https://i.groupme.com/moved/elsewhere.png", png(5, 8, 8))
    fake.serve_media(outside, status=301, location="https://evil.example/steal")
    summary = await run(fake, clock, tmp_path, media=True)
    assert [f.key for f in summary.media.failures] == [outside]
    assert "redirected" in summary.media.failures[0].error
    assert read_manifest(tmp_path)[inside]["file"].endswith(".png")
    assert all("evil.example" not in url for url, _ in fake.media_requests)


async def test_a_file_over_the_size_cap_is_a_reported_failure(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = world(clock)
    summary = await run(fake, clock, tmp_path, media=MediaOptions(max_bytes=300))
    too_big = {f.key for f in summary.media.failures}
    manifest = read_manifest(tmp_path)
    assert too_big and manifest
    assert all(e["size"] <= 300 for e in manifest.values())
    assert all("300" in f.error for f in summary.media.failures)


async def test_a_run_killed_at_any_media_step_resumes_exactly(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = world(clock, messages_per_conversation=60)
    text_only = tmp_path / "text"
    await run(fake, clock, text_only)
    wanted = referenced(fake, avatars=False)
    assert 3 <= len(wanted) <= 16

    counter = CrashAt()
    shutil.copytree(text_only, tmp_path / "count")
    await run(fake, clock, tmp_path / "count", media=True, on_step=counter)
    steps = counter.steps
    first = next(i for i, (_, name) in enumerate(steps) if name == "media")
    assert any(step == "rename" and name.endswith(".part") for step, name in steps)
    for at in range(first, len(steps)):
        out = tmp_path / f"crash-{at}"
        shutil.copytree(text_only, out)
        hook = CrashAt(at)
        with pytest.raises(Crash):
            await run(fake, clock, out, media=True, on_step=hook)
        # Whatever the manifest lists after a crash is there, whole.
        if (out / "media" / "manifest.json").exists():
            for entry in read_manifest(out).values():
                assert (out / "media" / entry["file"]).stat().st_size == entry["size"]
        again = await run(fake, clock, out, media=True)
        assert again.media.ok, (at, steps[at])
        assert set(check_media_folder(out)) == wanted, (at, steps[at])
