"""One module per API family; each method names a path, params and a model."""

from .blocks import Blocks
from .chats import Chats
from .files import FileDownload, Files
from .groups import Groups
from .images import Images
from .messages import DirectMessages, GroupMessages, Messages
from .pinned import PinnedConversations
from .users import Users
from .videos import Videos

__all__ = [
    "Blocks",
    "Chats",
    "DirectMessages",
    "FileDownload",
    "Files",
    "GroupMessages",
    "Groups",
    "Images",
    "Messages",
    "PinnedConversations",
    "Users",
    "Videos",
]
