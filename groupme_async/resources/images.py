"""The image service (``image.groupme.com``): pictures become ``i.groupme.com`` URLs."""

from __future__ import annotations

import httpx

from .._bodies import Source, make_body
from .._routes import IMAGES_UPLOAD
from .._sniff import SNIFF_BYTES, sniff_image
from ..models import UploadedImage
from ._base import Resource

#: What the upload says it is, whatever it is: the service refuses
#: ``image/png`` (and multipart) but converts a PNG sent as JPEG.
UPLOAD_CONTENT_TYPE = "image/jpeg"


def check_import_url(url: object) -> str:
    """An ``http(s)`` URL without credentials, or ``ValueError``."""
    if not isinstance(url, str) or not url:
        raise ValueError("url must be a non-empty string")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise ValueError("url must not contain whitespace or control characters")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise ValueError("url is not a URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError("url must be an http:// or https:// URL with a host")
    if parsed.userinfo:
        # Not echoed: it may hold a password.
        raise ValueError("url must not contain a user name or password")
    return url


class Images(Resource):
    """GroupMe's image service: every image a message, avatar or group shows
    must be on ``i.groupme.com``, so upload (or import) it here first."""

    __slots__ = ()

    async def upload(self, data: Source, *, size: int | None = None) -> UploadedImage:
        """Store an image; send ``attachments=[result.attachment()]``.

        ``data`` is ``bytes``, a file path, or an async iterator of bytes
        (streamed as it comes, never held in memory whole; ``size=``, its
        exact length, lets it go with a Content-Length).  It is sent raw
        as ``image/jpeg`` whatever its format, which is how the service
        accepts PNG and GIF too.  Data whose first bytes are not a JPEG,
        PNG, GIF, WebP, BMP, TIFF or HEIC signature is a ``ValueError``
        before anything is sent.

        Failed attempts are retried, except for an async iterator that had
        already started to go out (it cannot be sent twice).  A retry
        after a lost answer stores the image twice, which is harmless: an
        upload posts nothing.
        """
        body = await make_body(data, UPLOAD_CONTENT_TYPE, size=size)
        try:
            if sniff_image(await body.head(SNIFF_BYTES)) is None:
                raise ValueError(
                    "data is not an image (no JPEG, PNG, GIF, WebP, BMP, TIFF or HEIC "
                    "signature): the image service takes only images"
                )
            return await self._r.call(IMAGES_UPLOAD, content=body)
        finally:
            await body.aclose()

    async def import_url(self, url: str) -> UploadedImage:
        """Have GroupMe fetch the image at ``url`` (``http(s)``, no
        credentials) and store it, like :meth:`upload`."""
        return await self._r.call(IMAGES_UPLOAD, params={"url": check_import_url(url)})
