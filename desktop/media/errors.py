"""The media layer's errors."""
from desktop.errors import UserError


class MediaError(UserError):
    """A file that cannot be read as media (missing, truncated, not media, undecodable)."""


class Cancelled(Exception):
    """Long work stopped because the caller's cancel check asked it to; nothing was kept."""
