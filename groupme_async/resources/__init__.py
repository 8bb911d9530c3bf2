"""One module per API family; each method names a path, params and a model."""

from .blocks import Blocks
from .bots import Bots
from .chats import Chats
from .contacts import Contacts
from .events import Events
from .files import FileDownload, Files
from .gallery import Gallery
from .groups import Groups
from .images import Images
from .media import Media, MediaDownload
from .members import Members
from .messages import DirectMessages, GroupMessages, Messages
from .pinned import PinnedConversations
from .polls import Polls
from .realtime import Realtime
from .subgroups import Subgroups
from .users import Users
from .videos import Videos

__all__ = [
    "Blocks",
    "Bots",
    "Chats",
    "Contacts",
    "DirectMessages",
    "Events",
    "FileDownload",
    "Files",
    "Gallery",
    "GroupMessages",
    "Groups",
    "Images",
    "Media",
    "MediaDownload",
    "Members",
    "Messages",
    "PinnedConversations",
    "Polls",
    "Realtime",
    "Subgroups",
    "Users",
    "Videos",
]
