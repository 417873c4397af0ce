"""The annotation pipeline: every annotator over one piece of text.

Editorial marks come first (their brackets are hidden from the output);
entity and date annotators see the text as written, brackets included, so a
name completed by a bracket ("[Anastas] Mikoyan") is found whole.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from . import Span
from .dates import find_dates
from .editorial import find_editorial
from .measures import find_measures


class EntityTagger(Protocol):
    def find(self, text: str, doc_date: str | None) -> list[Span]: ...


@dataclass
class Context:
    doc_date: str | None = None
    tagger: EntityTagger | None = None
    unknown: list[tuple[str, str, str]] = field(default_factory=list)   # (kind, name, context) for review
    memo: dict = field(default_factory=dict)   # a text the document repeats (its title) is annotated once


def annotate(text: str, ctx: Context, *, entities: bool = True, dates: bool = True) -> tuple[list[Span], set[int]]:
    key = (text, entities, dates)
    if key not in ctx.memo:
        ctx.memo[key] = _annotate(text, ctx, entities, dates)
    return ctx.memo[key]


def _annotate(text: str, ctx: Context, entities: bool, dates: bool) -> tuple[list[Span], set[int]]:
    spans, hidden = find_editorial(text)
    if dates:
        spans += find_dates(text, ctx.doc_date)
        spans += find_measures(text)
    if entities and ctx.tagger is not None:
        found = ctx.tagger.find(text, ctx.doc_date)
        spans += found
        for s in found:
            if s.attr("cert") == "low":
                ctx.unknown.append((s.tag, text[s.start:s.end], text[max(0, s.start - 60):s.end + 60]))
    return spans, hidden
