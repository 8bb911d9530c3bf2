"""One module per API family; each method names a path, params and a model."""

from .blocks import Blocks
from .bots import Bots
from .chats import Chats
from .contacts import Contacts
from .events import Events
from .gallery import Gallery
from .groups import Groups
from .members import Members
from .messages import DirectMessages, GroupMessages, Messages
from .pinned import PinnedConversations
from .polls import Polls
from .subgroups import Subgroups
from .users import Users

__all__ = [
    "Blocks",
    "Bots",
    "Chats",
    "Contacts",
    "DirectMessages",
    "Events",
    "Gallery",
    "GroupMessages",
    "Groups",
    "Members",
    "Messages",
    "PinnedConversations",
    "Polls",
    "Subgroups",
    "Users",
]
