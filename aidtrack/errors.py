"""The one base of the errors a user can act on. The CLI catches ``AidtrackError`` once and prints its
message as one line; anything else is a bug and keeps its traceback."""

from __future__ import annotations


class AidtrackError(Exception):
    """An expected failure with a message that says what to do (bad input, busy or unwritable
    warehouse, failed data check, …)."""
