"""One sniffer for uploads and for the export's media: what a file is, from its bytes."""

from __future__ import annotations

import struct

import pytest

from groupme_async.export import sniff
from groupme_async.testing import FakeGroupMe


def bmp_header(width: int = 2, height: int = 2, reserved: int = 0) -> bytes:
    pixels = 4 * width * height
    file_header = b"BM" + struct.pack("<IHHI", 54 + pixels, reserved, reserved, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, pixels, 0, 0, 0, 0)
    return file_header + info


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (bmp_header(), ("bmp", "image/bmp")),
        # Writers may put anything in the reserved fields.
        (bmp_header(reserved=0x4D47), ("bmp", "image/bmp")),
        (b"BMW sold 2.5 million cars", ("txt", "text/plain")),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, ("png", "image/png")),
        (b"\x00\x00\x00\x18ftypheic", ("heic", "image/heic")),
        (b"\x00\x00\x00\x18ftyphevc", ("heic", "image/heic")),
    ],
)
def test_the_export_names_files_by_their_bytes(head: bytes, expected: tuple[str, str]) -> None:
    assert sniff(head) == expected


async def test_an_upload_is_sniffed_as_an_image_the_same_way() -> None:
    fake = FakeGroupMe(seed=1)
    async with fake.client() as gm:
        uploaded = await gm.images.upload(bmp_header(reserved=7) + bytes(16))
        assert uploaded.url.startswith("https://i.groupme.com/")
        with pytest.raises(ValueError, match="not an image"):
            await gm.images.upload(b"BMW sold 2.5 million cars last year")
