"""Inline markup: text plus spans become nested TEI elements.

Spans from different annotators may nest (a `supplied` inside a `persName`)
but must not cross; where two cross, the one with the higher priority (then
the longer, then the earlier) is kept. Offsets in `hidden` are characters the
markup replaces (the brackets of a `supplied`), left out of the text.
"""
from __future__ import annotations

from lxml import etree

from ..annotate import Span

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _qname(name: str) -> str:
    if name.startswith("xml:"):
        return f"{{{XML_NS}}}{name[4:]}"
    return name


# Which element goes outside when two spans cover the same text: a name holds
# its editorial markup ("<persName><choice>…"), not the other way round; but the
# readings of a choice stay its children, so a name that is exactly one reading
# goes inside it ("<choice><orig><persName>Roh Tae-woo</persName></orig><reg>…").
NESTING = {"orig": -1, "reg": -1, "persName": 0, "placeName": 0, "orgName": 0, "date": 1, "measure": 1,
           "choice": 2, "supplied": 3, "ref": 6, "gap": 6, "note": 6}


def resolve(spans: list[Span]) -> list[Span]:
    """Drop spans that cross a stronger span; return the rest in document order."""
    ranked = sorted(spans, key=lambda s: (-s.priority, -(s.end - s.start), s.start))
    kept = _KeptSpans()
    for s in ranked:
        if s.end <= s.start and s.tag not in ("gap",):
            continue
        if kept.crossed_by(s):
            continue
        kept.add(s)
    return sorted(kept.spans, key=lambda s: (s.start, -(s.end - s.start), NESTING.get(s.tag, 5)))


class _KeptSpans:
    """Spans kept so far, found by where they start and end (buckets of BLOCK characters), so that a
    text with a million spans (a transcript that is one huge paragraph) is not compared pair by pair.
    A span crosses a kept one only if exactly one end of the kept span lies strictly inside it."""
    BLOCK = 64

    def __init__(self):
        self.spans: list[Span] = []
        self.by_start: dict[int, list[Span]] = {}
        self.by_end: dict[int, list[Span]] = {}
        self.exact: set[tuple[int, int, str]] = set()

    def add(self, s: Span) -> None:
        self.spans.append(s)
        self.by_start.setdefault(s.start // self.BLOCK, []).append(s)
        self.by_end.setdefault(s.end // self.BLOCK, []).append(s)
        self.exact.add((s.start, s.end, s.tag))

    def crossed_by(self, s: Span) -> bool:
        if (s.start, s.end, s.tag) in self.exact:
            return True
        if s.end <= s.start:
            return False                                 # an empty span (a gap) sits inside anything
        for b in range(s.start // self.BLOCK, (s.end - 1) // self.BLOCK + 1):
            if any(s.start < k.start < s.end < k.end for k in self.by_start.get(b, ())) or \
                    any(k.start < s.start < k.end < s.end for k in self.by_end.get(b, ())):
                return True
        return False


def append_inline(parent: etree._Element, text: str, spans: list[Span], hidden: set[int] | frozenset = frozenset()) -> None:
    """Append `text` with `spans` as children of `parent` (TEI namespace)."""
    spans = resolve(spans)
    _fill(parent, text, spans, 0, len(text), hidden)


def _emit(parent: etree._Element, chunk: str) -> None:
    if not chunk:
        return
    last = next(parent.iterchildren(reversed=True), None)   # not len(parent): lxml counts the children
    if last is not None:
        last.tail = (last.tail or "") + chunk
    else:
        parent.text = (parent.text or "") + chunk


def _visible(text: str, start: int, end: int, hidden) -> str:
    if not hidden:
        return text[start:end]
    return "".join(ch for i, ch in enumerate(text[start:end], start) if i not in hidden)


def _fill(parent, text, spans, start, end, hidden) -> None:
    pos = start
    i = 0
    while i < len(spans):
        s = spans[i]
        # children of s are the following spans inside it
        j = i + 1
        while j < len(spans) and spans[j].start < s.end:
            j += 1
        inner = spans[i + 1:j]
        _emit(parent, _visible(text, pos, s.start, hidden))
        el = etree.SubElement(parent, f"{{{TEI_NS}}}{s.tag}")
        for k, v in s.attrs:
            if not k.startswith("_"):
                el.set(_qname(k), v)
        if s.text is not None:
            el.text = s.text
        else:
            _fill(el, text, inner, s.start, s.end, hidden)
        pos = s.end
        i = j
    _emit(parent, _visible(text, pos, end, hidden))
