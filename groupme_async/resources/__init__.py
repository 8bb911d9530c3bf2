"""One module per API family; each method names a path, params and a model."""

from .blocks import Blocks
from .chats import Chats
from .groups import Groups
from .messages import DirectMessages, GroupMessages, Messages
from .pinned import PinnedConversations
from .realtime import Realtime
from .users import Users

__all__ = [
    "Blocks",
    "Chats",
    "DirectMessages",
    "GroupMessages",
    "Groups",
    "Messages",
    "PinnedConversations",
    "Realtime",
    "Users",
]
