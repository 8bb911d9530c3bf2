"""One sniffer for uploads and for the export's media: what a file is, from its bytes."""

from __future__ import annotations

import struct

import pytest

from groupme_async.export import sniff


def bmp_header(width: int = 2, height: int = 2) -> bytes:
    pixels = 4 * width * height
    file_header = b"BM" + struct.pack("<IHHI", 54 + pixels, 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, pixels, 0, 0, 0, 0)
    return file_header + info


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (bmp_header(), ("bmp", "image/bmp")),
        (b"BMW sold 2.5 million cars", ("txt", "text/plain")),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, ("png", "image/png")),
        (b"\x00\x00\x00\x18ftypheic", ("heic", "image/heic")),
        (b"\x00\x00\x00\x18ftyphevc", ("heic", "image/heic")),
    ],
)
def test_the_export_names_files_by_their_bytes(head: bytes, expected: tuple[str, str]) -> None:
    assert sniff(head) == expected
