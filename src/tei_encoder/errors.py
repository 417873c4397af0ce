"""Errors that name the file (and line) they are about, for one-line messages."""
from __future__ import annotations


class InputError(Exception):
    """A source the tool cannot use; the message is one line naming the file."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path, self.message, self.line = str(path), message, line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")
