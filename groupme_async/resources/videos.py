"""The video service (``video.groupme.com``): uploads are transcoded, then sent."""

from __future__ import annotations

from .._bodies import Multipart, Source, make_body
from .._ids import check_conversation_id
from .._polling import upload_and_wait
from .._routes import VIDEOS_STATUS, VIDEOS_UPLOAD
from .._sniff import SNIFF_BYTES, sniff_video
from ..errors import ResponseDecodeError
from ..models import VideoAttachment
from ._base import Resource

#: The file name the multipart part carries, by the type the bytes announce.
_FILE_NAMES = {
    "video/mp4": "video.mp4",
    "video/quicktime": "video.mov",
    "video/webm": "video.webm",
    "video/3gpp": "video.3gp",
}


class Videos(Resource):
    """GroupMe's video service: upload a video for a conversation, wait for
    the transcode, and send the :class:`VideoAttachment` it returns."""

    __slots__ = ()

    async def upload(
        self, conversation_id: str, data: Source, *, size: int | None = None
    ) -> VideoAttachment:
        """Upload a video for a group or DM chat and wait until it is
        transcoded; returns the attachment to send (``url``, ``preview_url``).

        ``data`` is ``bytes``, a file path, or an async iterator of bytes
        (streamed inside the multipart body, never held in memory whole;
        ``size=`` is its exact length).  The service answers with a job,
        polled (backing off) until it is ``"complete"``, all within the
        retry policy's deadline; a ``"failed"`` job is an
        :class:`UploadFailedError`.  Attempts are retried like any call,
        except an async iterator that had already started to go out; a
        retry after a lost answer transcodes a second copy, which is
        harmless (nothing is posted until you send the attachment).
        """
        cid = check_conversation_id(conversation_id)
        inner = await make_body(data, "video/mp4", size=size)
        try:
            inner.content_type = sniff_video(await inner.head(SNIFF_BYTES))
        except BaseException:
            await inner.aclose()
            raise
        body = Multipart(inner, field="file", filename=_FILE_NAMES[inner.content_type])
        done = await upload_and_wait(
            self._r,
            VIDEOS_UPLOAD.bind(),
            body,
            family="video",
            status=VIDEOS_STATUS,
            headers={"X-Conversation-Id": cid},
        )
        url, preview = done.get("url"), done.get("thumbnail_url")
        if not isinstance(url, str) or not url or not isinstance(preview, str | None):
            raise ResponseDecodeError(VIDEOS_STATUS.label, "the finished job has no video url")
        return VideoAttachment(url=url, preview_url=preview or None)
