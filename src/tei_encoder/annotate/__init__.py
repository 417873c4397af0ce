"""Annotators: find entities, dates and editorial marks in text.

Each annotator takes a string and returns `Span`s over it; none knows page
layouts or TEI. The writer turns spans into elements.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    tag: str                                # TEI element name: persName, date, supplied ...
    attrs: tuple[tuple[str, str], ...] = ()  # attribute name/value pairs, in output order
    text: str | None = None                 # replacement content for empty/edited elements
    priority: int = 0                       # wins ties when spans cross (higher wins)

    def attr(self, name: str) -> str | None:
        return dict(self.attrs).get(name)


@dataclass
class Annotated:
    """A text with its spans; what an annotator pipeline returns per block."""
    text: str
    spans: list[Span] = field(default_factory=list)
