"""Real, tiny media bytes for the fake's media hosts, a pure function of a seed.

A browser must render what the fake serves (the offline viewer shows the
sandbox's pictures), so these are genuine PNG, baseline JPEG and GIF files,
written by hand to keep the library free of an imaging dependency: a
gradient of flat 8x8 blocks in two colours picked from the seed.  The
"video" is an MP4 container header around filler bytes (it sniffs as MP4;
it does not play), and files are small text or one-page PDF documents.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterator

#: Pictures are served at most this wide or high: the fake's URLs name
#: sizes such as 1080x1920, and drawing those would only cost time.
MAX_SIDE = 96

RGB = tuple[int, int, int]


def _palette(seed: int) -> tuple[RGB, RGB]:
    rng = random.Random(seed)
    hue = rng.random()
    first = _hsv(hue, 0.55, 0.95)
    second = _hsv((hue + 0.35 + rng.random() * 0.3) % 1.0, 0.7, 0.55)
    return first, second


def _hsv(h: float, s: float, v: float) -> RGB:
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return round(r * 255), round(g * 255), round(b * 255)


def fit(width: int, height: int) -> tuple[int, int]:
    """``width`` x ``height`` scaled down (keeping the shape) to at most ``MAX_SIDE``."""
    width, height = max(1, width), max(1, height)
    scale = min(1.0, MAX_SIDE / max(width, height))
    return max(8, round(width * scale)), max(8, round(height * scale))


def _block_colour(seed: int, bx: int, by: int, columns: int, rows: int) -> RGB:
    """The colour of the 8x8 block at (bx, by): a diagonal blend of the palette."""
    first, second = _palette(seed)
    t = (bx + by) / max(1, columns + rows - 2)
    return (
        round(first[0] + (second[0] - first[0]) * t),
        round(first[1] + (second[1] - first[1]) * t),
        round(first[2] + (second[2] - first[2]) * t),
    )


def _pixels(seed: int, width: int, height: int) -> Iterator[list[RGB]]:
    columns, rows = (width + 7) // 8, (height + 7) // 8
    for y in range(height):
        yield [_block_colour(seed, x // 8, y // 8, columns, rows) for x in range(width)]


# --- PNG -----------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(seed: int, width: int, height: int) -> bytes:
    """A ``width`` x ``height`` RGB PNG."""
    raw = b"".join(
        b"\x00" + bytes(c for px in row for c in px) for row in _pixels(seed, width, height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


# --- GIF -----------------------------------------------------------------------

#: Codes between two LZW clear codes: few enough that the code width never
#: grows past 8 bits, so every pixel goes out as a plain literal.
_GIF_RUN = 100


def gif(seed: int, width: int, height: int) -> bytes:
    """A ``width`` x ``height`` GIF (128-colour table, literal LZW codes)."""
    colours: list[RGB] = []
    index: dict[RGB, int] = {}
    pixels: list[int] = []
    for row in _pixels(seed, width, height):
        for px in row:
            if px not in index:
                # A diagonal of at most 2 * MAX_SIDE / 8 blocks: never 128 colours.
                index[px] = min(len(colours), 127)
                colours.append(px)
            pixels.append(index[px])
    colours = colours[:128]
    table = b"".join(bytes(c) for c in colours) + b"\x00\x00\x00" * (128 - len(colours))
    clear, end = 128, 129
    codes: list[int] = []
    for start in range(0, len(pixels), _GIF_RUN):
        codes.append(clear)
        codes += pixels[start : start + _GIF_RUN]
    codes.append(end)
    packed = bytearray()
    bits = nbits = 0
    for code in codes:
        bits |= code << nbits
        nbits += 8
        while nbits >= 8:
            packed.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8
    blocks = b"".join(
        bytes([len(packed[i : i + 255])]) + bytes(packed[i : i + 255])
        for i in range(0, len(packed), 255)
    )
    return (
        b"GIF89a"
        + struct.pack("<HHBBB", width, height, 0x80 | 0x70 | 6, 0, 0)
        + table
        + b","
        + struct.pack("<HHHHB", 0, 0, width, height, 0)
        + b"\x07"
        + blocks
        + b"\x00;"
    )


# --- JPEG (baseline, DC coefficients only: flat 8x8 blocks) ----------------------

#: The standard luminance DC table (JPEG Annex K.3): code counts by length.
_DC_COUNTS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_CODES: list[tuple[int, int]] = []  # category -> (code, length)


def _canonical(counts: tuple[int, ...]) -> list[tuple[int, int]]:
    codes: list[tuple[int, int]] = []
    code = 0
    for length, count in enumerate(counts, start=1):
        for _ in range(count):
            codes.append((code, length))
            code += 1
        code <<= 1
    return codes


_DC_CODES = _canonical(_DC_COUNTS)


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self._acc = 0
        self._n = 0

    def put(self, value: int, length: int) -> None:
        for shift in range(length - 1, -1, -1):
            self._acc = (self._acc << 1) | ((value >> shift) & 1)
            self._n += 1
            if self._n == 8:
                self._byte(self._acc)
                self._acc = self._n = 0

    def _byte(self, byte: int) -> None:
        self.out.append(byte)
        if byte == 0xFF:
            self.out.append(0x00)  # byte stuffing

    def flush(self) -> bytes:
        if self._n:
            self.put((1 << (8 - self._n)) - 1, 8 - self._n)  # pad with 1-bits
        return bytes(self.out)


def _ycbcr(rgb: RGB) -> tuple[int, int, int]:
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return tuple(max(0, min(255, round(v))) for v in (y, cb, cr))  # type: ignore[return-value]


def _segment(marker: int, data: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data


def jpeg(seed: int, width: int, height: int) -> bytes:
    """A ``width`` x ``height`` baseline JPEG of flat 8x8 blocks.

    With every quantiser 8, a flat block of level ``v`` has the quantised DC
    coefficient ``v - 128`` and no AC coefficients, so the scan is DC
    differences and end-of-block codes only.
    """
    columns, rows = (width + 7) // 8, (height + 7) // 8
    dht_dc = bytes([0x00, *_DC_COUNTS, *range(12)])
    # One AC code, "0", for end-of-block: every block is flat.
    dht_ac = bytes([0x10, 1, *([0] * 15), 0x00])
    header = (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xDB, b"\x00" + b"\x08" * 64)
        + _segment(
            0xC0,
            struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00",
        )
        + _segment(0xC4, dht_dc + dht_ac)
        + _segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00")
    )
    bits = _Bits()
    previous = [0, 0, 0]
    for by in range(rows):
        for bx in range(columns):
            levels = _ycbcr(_block_colour(seed, bx, by, columns, rows))
            for c in range(3):
                dc = levels[c] - 128
                diff, previous[c] = dc - previous[c], dc
                category = abs(diff).bit_length()
                code, length = _DC_CODES[category]
                bits.put(code, length)
                if category:
                    bits.put(diff if diff > 0 else diff - 1 + (1 << category), category)
                bits.put(0, 1)  # end of block
    return header + bits.flush() + b"\xff\xd9"


# --- video and documents ---------------------------------------------------------


def mp4(seed: int) -> bytes:
    """An ISO base media file header (``ftyp``) and filler in ``mdat``:
    it sniffs as MP4; it is not a playable video."""
    filler = random.Random(seed).randbytes(2048)
    ftyp = b"ftypisom" + struct.pack(">I", 0x200) + b"isomiso2mp41"
    return (
        struct.pack(">I", 8 + len(ftyp) - 4) + ftyp
        + struct.pack(">I", 8 + len(filler)) + b"mdat" + filler
    )  # fmt: skip


def pdf(title: str) -> bytes:
    """A one-page PDF showing ``title`` (ASCII letters, digits and spaces)."""
    text = "".join(c for c in title if c.isascii() and (c.isalnum() or c in " .-"))
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
