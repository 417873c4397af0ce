"""Archival citations of the Wilson Center Digital Archive, split into parts.

A citation reads `"Title," Date, History and Public Policy Program Digital
Archive, <archive>, <parts of the signature>. Translated for NKIDP by X.`;
older pages give only the archive part and the credit. The parts of a
signature are labelled in many languages and abbreviations (fond/f., opis/op.,
delo/d., listy/ll., Folder, Matter, doboz …); each label maps to one
`idno/@type` of ENCODING.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Signature

# label (as written, lowercase, without dot) -> idno/@type
ID_LABELS = {
    "fond": "fond", "fonds": "fond", "f": "fond", "fund": "fond",
    "opis": "opis", "op": "opis", "inventory": "opis",
    "papka": "papka", "pap": "papka", "p": "papka",
    "delo": "delo", "d": "delo", "dossier": "delo",
    "folder": "folder", "matter": "matter", "issue": "matter", "problem": "matter",
    "box": "box", "doboz": "box", "karton": "box", "kart": "box", "k": "box",
    "file": "file", "file no": "file", "sygn": "signature", "sign": "signature",
    "vol": "volume", "volume": "volume", "tom": "volume", "t": "volume", "svazek": "volume", "sv": "volume",
    "record group": "recordGroup", "rg": "recordGroup", "series": "series", "sub-series": "series",
    "document": "document", "doc": "document", "item": "document", "no": "number", "nr": "number",
    "inv č": "inventory", "ič": "inventory", "j": "unit", "tétel": "unit", "dosar": "file",
}
FOLIO_LABELS = {"listy", "list", "l", "ll", "pp", "p", "page", "pages", "sheet", "sheets", "folio", "folios", "fol", "ff", "f", "s", "str", "lista"}

_PART = re.compile(r"^(?P<label>[A-Za-zČčé][A-Za-zČčé .-]*?)\.?\s*(?:No\.?\s*)?(?P<value>[0-9IVXLC][\w/.\-–() ]*)$")
_VALUE_FIRST = re.compile(r"^(?P<value>\d+)\.?\s+(?P<label>doboz|karton|tétel)$", re.I)
_RANGE = re.compile(r"^(?P<from>[\w.]+?)\s*[-–]\s*(?P<to>[\w.]+)$")

CREDIT = re.compile(
    r"(?P<sentence>(?P<verb>Obtained and translated|Obtained and Translated|Translated and obtained|Obtained|Translated|"
    r"Transcribed and translated|Translation)\b[^.]*?\bby\s+(?P<who>[^.]+?(?:\s[A-Z]\.\s?[A-Z][\w'-]+)*)\s*\.)",
)
_HPPP = re.compile(r"^\s*(?:History and Public Policy Program Digital Archive|Wilson Center Digital Archive|"
                   r"Cold War International History Project Digital Archive)\s*,?\s*", re.I)
_QUOTED_TITLE = re.compile(r'^\s*["“](?P<title>.+?)[,.]?["”]\s*,?\s*')
_URL = re.compile(r"\s*<?(https?://[^\s>]+)>?\s*$")


@dataclass
class Citation:
    text: str
    title: str | None = None
    date_text: str | None = None
    archive_part: str | None = None
    translators: list[str] = field(default_factory=list)
    obtainers: list[str] = field(default_factory=list)
    url: str | None = None


def split_people(who: str) -> list[str]:
    """'Vojtech Mastny and Eliza Gheorghe' -> two names; keeps 'Dr. X' whole."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", who.strip())
    return [p.strip() for p in parts if p.strip()]


def parse_citation(text: str) -> Citation:
    """Split a citation into title, date, archive part and credits."""
    cit = Citation(text=text.strip())
    rest = cit.text
    m = _URL.search(rest)
    if m:
        cit.url, rest = m.group(1), rest[:m.start()]
    m = _QUOTED_TITLE.match(rest)
    if m:
        cit.title = m.group("title").strip().rstrip(",")
        rest = rest[m.end():]
        d = re.match(r"(?P<date>(?:[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|[A-Z][a-z]+,?\s+\d{4}|\d{4}|"
                     r"[A-Z][a-z]+\s+\d{1,2},\s+\d{4}))\s*,\s*", rest)
        if d:
            cit.date_text, rest = d.group("date"), rest[d.end():]
    rest = _HPPP.sub("", rest)
    for m in CREDIT.finditer(rest):
        verb, people = m.group("verb").lower(), split_people(m.group("who"))
        if "translat" in verb:
            cit.translators += people
        if "obtain" in verb:
            cit.obtainers += people
    first = CREDIT.search(rest)
    archive = rest[:first.start()] if first else rest
    archive = archive.strip().rstrip(".").strip()
    cit.archive_part = archive or None
    return cit


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside parentheses and quotes."""
    out, depth, cur, quote = [], 0, [], False
    for ch in text:
        if ch in "(" and not quote:
            depth += 1
        elif ch == ")" and not quote:
            depth = max(0, depth - 1)
        elif ch in '"“”':
            quote = not quote
        if ch == sep and depth == 0 and not quote:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [p.strip() for p in out if p.strip()]


def parse_signature(archive_part: str) -> tuple[Signature, list[Signature]]:
    """The archive, collections, typed identifiers and folios of a citation.

    Returns the first location and any further ones (a citation may name two
    archives, separated by ';').
    """
    locations = [_parse_location(part) for part in _split_top(archive_part, ";")]
    locations = [loc for loc in locations if loc.repository or loc.idnos or loc.collections]
    if not locations:
        return Signature(), []
    return locations[0], locations[1:]


def _parse_location(text: str) -> Signature:
    text = re.sub(r"^\s*and\s+", "", text.strip())
    sig = Signature()
    for i, part in enumerate(_split_top(text, ",")):
        label, value = _label_value(part)
        if label in FOLIO_LABELS and label not in ID_LABELS or (label in {"l", "ll", "listy", "list", "pp", "page", "pages"}):
            sig.folio_text = part
            r = _RANGE.match(value)
            sig.folios = (r.group("from"), r.group("to")) if r else (value, value)
        elif label is not None and label in ID_LABELS:
            sig.idnos.append((ID_LABELS[label], value))
        elif i == 0 and not re.search(r"\d", part):
            sig.repository = part
        elif _is_date_range(part):
            sig.collections.append(part)      # the file's date span belongs to its description
        elif re.search(r"\d", part) and not re.search(r"[a-z]{4,}\s+[a-z]{4,}", part):
            sig.idnos.append(("signature", part))
        else:
            sig.collections.append(part)
    return sig


def _is_date_range(part: str) -> bool:
    from ..annotate.dates import find_dates
    spans = find_dates(part)
    return bool(spans) and spans[0].start == 0 and spans[-1].end >= len(part.rstrip(". ")) and not re.fullmatch(r"[\d.]+", part)


def _label_value(part: str) -> tuple[str | None, str]:
    m = _VALUE_FIRST.match(part)
    if m:
        return m.group("label").lower(), m.group("value")
    m = _PART.match(part)
    if not m:
        return None, part
    label = re.sub(r"\s+", " ", m.group("label").strip(" .").lower())
    if label in ID_LABELS or label in FOLIO_LABELS:
        return label, m.group("value").strip()
    return None, part
