"""Editorial interventions: the translators' and editors' square brackets.

Each bracket of the source becomes one encoding (ENCODING.md, "Editorial
interventions"); the bracket characters themselves are returned as
*suppressed* offsets, because the element says what the brackets said.

    […]                    gap reason="omitted"
    [1]                    ref type="noteAnchor" n="1" (a footnote marker without its note)
    [signature], [stamp]   gap reason="signature" / "stamp" (a non-text feature)
    [stamp and handwriting; …]  note type="description"
    V[asily], [Anastas] Mikoyan  supplied reason="completion"
    [I], [these]           supplied reason="implied"
    Filippov [Stalin], [GDR Ambassador]  supplied reason="gloss"
    Ri Song-un [Ri Song Un]  choice/orig/reg (an alternative romanisation)
    [sic]                  note type="sic"
"""
from __future__ import annotations

import difflib
import re
import unicodedata

from . import Span

BRACKET = re.compile(r"\[(?P<inner>[^\[\]]*)\]")
DOUBLE = re.compile(r"\[\[(?P<inner>[^\[\]]*)\]\]")
ELLIPSIS = re.compile(r"^\s*(?:…|\.\s?\.\s?\.|\.\.\.\.?|—|-{2,})\s*$")
MARKER = re.compile(r"^\d{1,3}[a-z]?$")
FEATURES = {
    "signature": "signature", "signatures": "signature", "sign": "signature", "signed": "signature",
    "stamp": "stamp", "stamps": "stamp", "seal": "seal", "illegible": "illegible",
    "handwriting": "handwriting", "handwritten": "handwriting", "initials": "initials",
    "unclear": "illegible", "text missing": "omitted", "page missing": "omitted", "missing": "omitted",
    "blank": "blank", "illegible signature": "signature",
}
DESCRIPTION_START = re.compile(r"^(?:stamp|seal|handwrit|handwritten|signature|illegible|typewritten|margin|"
                               r"crossed|underlined|text|page|several|one word|two words|words?|sign\b)", re.I)
NAMEISH = re.compile(r"^[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*)*$")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isalnum()).lower()


def find_editorial(text: str) -> tuple[list[Span], set[int]]:
    """Spans for every bracket in `text`, and the offsets of bracket characters to leave out."""
    spans: list[Span] = []
    hidden: set[int] = set()
    for m in DOUBLE.finditer(text):
        spans.append(Span(m.start(), m.end(), "note", (("type", "description"),), priority=10))
        hidden.update((m.start(), m.start() + 1, m.end() - 2, m.end() - 1))
    for m in BRACKET.finditer(text):
        if any(s.start <= m.start() < s.end for s in spans):
            continue
        start, end, inner = m.start(), m.end(), m.group("inner")
        bracket_chars = {start, end - 1}
        stripped = inner.strip()
        key = stripped.lower().rstrip(".")
        if not stripped or ELLIPSIS.match(inner):
            spans.append(Span(start, end, "gap", (("reason", "omitted"),), priority=10))
            hidden.update(range(start, end))
            continue
        if MARKER.match(stripped):
            spans.append(Span(start, end, "ref", (("type", "noteAnchor"), ("n", stripped)), priority=10))
            hidden.update(bracket_chars)
            continue
        if key in FEATURES:
            spans.append(Span(start, end, "gap", (("reason", FEATURES[key]),), priority=10))
            hidden.update(range(start, end))
            continue
        if key == "sic" or key == "sic!":
            spans.append(Span(start, end, "note", (("type", "sic"),), priority=10))
            hidden.update(bracket_chars)
            continue
        if DESCRIPTION_START.match(stripped) and not NAMEISH.match(stripped):
            spans.append(Span(start, end, "note", (("type", "description"),), priority=10))
            hidden.update(bracket_chars)
            continue
        choice = _alternative(text, start, end, stripped)
        if choice is not None:
            spans.extend(choice)
            hidden.update(range(choice[1].end, choice[2].start))   # " [" between orig and reg
            hidden.add(end - 1)
            continue
        spans.append(Span(start, end, "supplied", (("reason", _reason(text, start, end, stripped)),), priority=10))
        hidden.update(bracket_chars)
    return sorted(spans, key=lambda s: (s.start, -s.end)), hidden


_NEXT_WORD = re.compile(r"\s+([A-Z][\w'’-]+)")


def _reason(text: str, start: int, end: int, inner: str) -> str:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before.isalpha() or after.isalpha():
        return "completion"                       # V[asily], F[oreign] M[inistry]
    nxt = _NEXT_WORD.match(text, end)      # (matched in place: slicing the rest of a long text is quadratic)
    if nxt and re.fullmatch(r"[A-Z][a-z'’-]+|[A-Z]\.(?:\s?[A-Z]\.)*", inner):
        return "completion"                       # [Anastas] Mikoyan, [M.] Bodnaras
    if re.match(r"^[A-Z]", inner) and (len(inner.split()) > 1 or NAMEISH.match(inner)) and \
            inner.split()[0].lower() not in {"i", "we", "he", "she", "they", "it", "the", "a", "an", "this", "these", "that"}:
        return "gloss"                            # [GDR Ambassador], Filippov [Stalin]
    return "implied"                              # [I], [these], [visits]


def _alternative(text: str, start: int, end: int, inner: str) -> list[Span] | None:
    """`Ri Song-un [Ri Song Un]`: the bracket respells the name just before it.

    The name before the bracket must have as many parts (split at spaces and
    hyphens) as the bracket, each capitalised, and start with the same letter;
    otherwise the bracket is a gloss ("Jiang Jieshi [Chiang Kai-shek]").
    """
    if not NAMEISH.match(inner):
        return None
    target = len(re.split(r"[\s-]+", inner))
    before = text[:start].rstrip()
    tokens = list(re.finditer(r"\S+", before))
    parts, o_start = 0, None
    for tok in reversed(tokens):
        if not re.fullmatch(r"[A-Z][\w'’.-]*", tok.group()):
            return None
        parts += len(re.split(r"-+", tok.group()))
        o_start = tok.start()
        if parts >= target:
            break
    if o_start is None or parts != target:
        return None
    o_end = len(before)
    orig = text[o_start:o_end]
    if _fold(orig[:1]) != _fold(inner[:1]) or orig == inner:
        return None
    if target == 1 and (_fold(inner).startswith(_fold(orig)) or _fold(orig).startswith(_fold(inner)) or
                        difflib.SequenceMatcher(None, _fold(orig), _fold(inner)).ratio() < 0.6):
        return None
    return [
        Span(o_start, end, "choice", priority=11),
        Span(o_start, o_end, "orig", priority=11),
        Span(start + 1, end - 1, "reg", priority=11),
    ]
