"""The one exception type that crosses stage boundaries.

Data problems are `Issue` values, not exceptions. `InputError` is for what
makes a whole file (or workspace) unreadable; the caller turns it back into
an `Issue` in its report and carries on with the next file.
"""

from __future__ import annotations

from .model import Issue


class InputError(Exception):
    """A file or workspace cannot be read at all (or, with `more`, cannot be used for several reasons at once)."""

    def __init__(self, issue: Issue, more: tuple[Issue, ...] = (), *, heading: str = ""):
        super().__init__(issue.message)
        self.issue = issue
        self.issues = [issue, *more]  # every problem, the first being `issue`
        self.heading = heading  # what was refused, said before the problems (may be empty)
