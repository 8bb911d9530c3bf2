"""What a file is, from its first bytes: shared by uploads (which must name
the type GroupMe's image and video services expect) and the export's media
download (which must never trust the type a host sends)."""

from __future__ import annotations

#: Enough of a file's start to recognise every format below.
SNIFF_BYTES = 18

#: The sizes of the BMP info headers that exist (BITMAPCOREHEADER to V5).
_DIB_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})

_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")
_VIDEO_BRANDS = {b"qt  ": "video/quicktime", b"3gp4": "video/3gpp", b"3gp5": "video/3gpp"}


def sniff_image(head: bytes) -> str | None:
    """The image type a file's first bytes announce (``"png"``...), or ``None``."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    # "BM" and a known DIB header size: not a text that starts "BM" (the
    # reserved bytes between them may hold anything).
    if head[:2] == b"BM" and int.from_bytes(head[14:18], "little") in _DIB_HEADER_SIZES:
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    return None


def sniff_video(head: bytes) -> str:
    """The MIME type a video's first bytes suggest (``video/mp4`` when unsure:
    the transcoder decides what it accepts)."""
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm"
    if head[4:8] == b"ftyp":
        return _VIDEO_BRANDS.get(head[8:12], "video/mp4")
    return "video/mp4"
