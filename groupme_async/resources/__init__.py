"""One module per API family; each method names a path, params and a model."""

from .blocks import Blocks
from .chats import Chats
from .events import Events
from .gallery import Gallery
from .groups import Groups
from .messages import DirectMessages, GroupMessages, Messages
from .pinned import PinnedConversations
from .polls import Polls
from .subgroups import Subgroups
from .users import Users

__all__ = [
    "Blocks",
    "Chats",
    "DirectMessages",
    "Events",
    "Gallery",
    "GroupMessages",
    "Groups",
    "Messages",
    "PinnedConversations",
    "Polls",
    "Subgroups",
    "Users",
]
