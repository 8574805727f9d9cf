"""Errors that carry a message meant for the user (one line, no traceback)."""


class UserError(Exception):
    """Bad input or an impossible request; the message is shown as is."""
