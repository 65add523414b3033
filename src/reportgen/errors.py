"""The one exception type that crosses stage boundaries.

Data problems are `Issue` values, not exceptions. `InputError` is for what
makes a whole file (or workspace) unreadable; the caller turns it back into
an `Issue` in its report and carries on with the next file.
"""

from __future__ import annotations

from .model import Issue


class InputError(Exception):
    """A file or workspace cannot be read at all."""

    def __init__(self, issue: Issue):
        super().__init__(issue.message)
        self.issue = issue
