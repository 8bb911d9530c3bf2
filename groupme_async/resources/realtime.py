"""Realtime: GroupMe's push service (Faye / Bayeux) as a stream of typed events."""

from __future__ import annotations

from collections.abc import Sequence

from .._realtime import (
    PING_INTERVAL,
    RealtimeStream,
    TransportName,
    check_conversations,
    check_silence,
    check_transport,
    websocket_supported,
)
from .._retry import RetryPolicy
from ._base import Resource


class Realtime(Resource):
    """Push events (``https://push.groupme.com/faye``, or ``/push/faye`` of
    ``base_url``), over the client's own connection pool."""

    __slots__ = ()

    def connect(
        self,
        *,
        groups: Sequence[str] = (),
        direct_messages: Sequence[str] = (),
        gap_fill: bool = True,
        transport: TransportName = "auto",
        retry: RetryPolicy | None = None,
        silence_timeout: float = 2 * PING_INTERVAL,
    ) -> RealtimeStream:
        """A stream of events: ``async with gm.realtime.connect() as stream:
        async for event in stream: ...``.

        Every new group message and DM of yours arrives (``/user/<you>``);
        ``groups`` (group ids) and ``direct_messages`` (other users' ids, or
        chat ids ``a+b``) add those conversations' typing, reactions, edits
        and deletes.  With ``gap_fill``, after every reconnect the stream
        fetches from REST what it missed, and each message is delivered
        exactly once, in order per conversation.

        ``transport``: ``"auto"`` (a websocket when the ``realtime`` extra is
        installed and the socket opens, else HTTP long-polling),
        ``"websocket"`` or ``"long-polling"``.  ``retry`` (default: the
        client's) spaces reconnects with jittered backoff and bounds how
        many fail in a row.  ``silence_timeout``: with no traffic for this
        long (GroupMe pings every 30 s), the connection is presumed dead and
        a new handshake made.
        """
        group_ids, dms = check_conversations(groups, direct_messages)
        if not isinstance(gap_fill, bool):
            raise TypeError("gap_fill must be True or False")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError("retry must be a RetryPolicy")
        return RealtimeStream(
            self._r,
            groups=group_ids,
            direct_messages=dms,
            gap_fill=gap_fill,
            transport=check_transport(transport),
            retry=retry,
            silence_timeout=check_silence(silence_timeout),
        )

    @staticmethod
    def websocket_supported() -> bool:
        """Whether the websocket transport is installed (the ``realtime`` extra)."""
        return websocket_supported()
