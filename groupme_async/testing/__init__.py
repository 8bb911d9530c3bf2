"""FakeGroupMe: a faithful, stateful fake of the GroupMe API for offline tests.

>>> fake = FakeGroupMe(seed=1)
>>> async with fake.client() as gm:          # doctest: +SKIP
...     me = await gm.users.me()

The fake is a plain ASGI application, so any HTTP client can use it: in
process through :meth:`FakeGroupMe.transport`, or on a socket with
``python -m groupme_async.testing serve``.  Enable the pytest fixtures with
``pytest_plugins = ["groupme_async.testing.pytest_plugin"]``.
:func:`implemented_endpoints` lists what it serves.
"""

from .._serve_options import ALL_FAULTS
from ..models import ConversationKind
from ._app import (
    FAKE_BASE_URL,
    SANDBOX_TOKEN,
    FakeConversation,
    FakeGroupMe,
)
from ._callbacks import CallbackDelivery
from ._endpoints import Endpoint, endpoints_markdown, implemented_endpoints
from ._front import FakeStats
from ._push import PushStats

__all__ = [
    "ALL_FAULTS",
    "FAKE_BASE_URL",
    "SANDBOX_TOKEN",
    "CallbackDelivery",
    "ConversationKind",
    "Endpoint",
    "FakeConversation",
    "FakeGroupMe",
    "FakeStats",
    "PushStats",
    "endpoints_markdown",
    "implemented_endpoints",
]
