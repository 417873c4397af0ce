"""Reader for transcript pages of the Wilson Center Digital Archive.

The archive's pages were scraped in several layouts (see
`../shared/dev-transcripts/MANIFEST.md`):

- new site: "Search in" header, an indented Citation block (summary, quoted
  citation, URL), then "English HTML" and the text;
- old site: "Skip to content", blank-line separated date, title, text, then the
  summary and a "Document Information" block with the citation;
- plain lines: the same without blank lines, sometimes with a description
  before the date;
- labelled: "Citation:", "Summary:", "Credits:", "Original Language:",
  "Contents:" sections after a bold title;
- other: date, then an indented summary and citation.

Rather than one parser per layout, the reader locates the parts every layout
shares (date line, title, citation, summary, credits, trailer, language
blocks) by their own marks, so a page mixing layouts still reads. It knows
nothing of TEI.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..annotate.dates import parse_standalone
from ..model import Block, Dropped, Section, Source
from ..textio import Text
from . import citation as cit
from .blocks import type_blocks

# Whole lines that are the page's furniture, never the document's text.
FURNITURE = {
    "skip to content", "search in", "add search filter cancel search filter",
    "digital archive international history declassified", "citation share download",
    "citation", "get citation", "share document", "view document in", "download",
    "original uploaded date", "record id", "source", "original archive", "rights",
    "document information", "associated places", "associated topics",
    "associated people & organizations", "associated people and organizations",
    "subjects discussed", "associated documents", "related documents", "print", "share",
}
# Lines after which only the page's trailer follows.
TRAILER_START = {
    "document information", "associated places", "associated topics",
    "associated people & organizations", "associated people and organizations",
    "subjects discussed", "author(s)", "authors",
}
# Headed lists of the trailer, and what their lines are.
TRAILER_LISTS = {
    "associated places": "place", "associated topics": "topic", "subjects discussed": "topic",
    "associated people & organizations": "person-or-org", "associated people and organizations": "person-or-org",
    "author(s)": "author", "authors": "author", "original archive": "archive", "source": "source",
    "original language": "language", "rights": "rights",
}
RIGHTS_START = ("The History and Public Policy Program welcomes reuse",
                "To enquire about this document's rights status", "To enquire about this document’s rights status")
LABELS = {"citation", "summary", "credits", "original language", "contents", "source", "rights",
          "record id", "original archive"}
FUNDER = re.compile(r"^This document was made possible with support from\s+(?:the\s+)?(?P<funder>.+?)\.?$", re.I)
LANG_BLOCK = re.compile(r"^(?P<lang>[A-Z][a-z]+(?: [A-Z][a-z]+)?) (?:HTML|Transcription|Translation|Original)$")
CONTENTS_ITEM = re.compile(r"^(?:Translation|Transcription|Original|Scan|Original Scan)\s*[-–]\s*[A-Z][a-z]+$")
ARTIFACT_LINE = re.compile(r"^[\s□■▢�]*$")
ARTIFACT_PREFIX = re.compile(r"^[□■▢]+\s*")
BULLET = re.compile(r"^\s*[•·*-]\s+")
URL = re.compile(r"^<?https?://\S+?>?$")
CLASSIFICATION = re.compile(r"^(?:Classification:\s*)?(?P<c>(?:Top |Strictly )?Secret|Confidential|Restricted|"
                            r"Strictly Confidential|Very Secret|For Official Use Only)\b", re.I)

LANG_CODES = {
    "english": "en", "korean": "ko", "russian": "ru", "chinese": "zh", "german": "de", "romanian": "ro",
    "hungarian": "hu", "polish": "pl", "czech": "cs", "slovak": "sk", "bulgarian": "bg", "mongolian": "mn",
    "vietnamese": "vi", "japanese": "ja", "french": "fr", "spanish": "es", "portuguese": "pt",
    "serbo-croatian": "sh", "serbian": "sr", "croatian": "hr", "albanian": "sq", "italian": "it",
    "hindi": "hi", "arabic": "ar", "persian": "fa", "ukrainian": "uk", "lithuanian": "lt", "estonian": "et",
    "latvian": "lv", "georgian": "ka", "armenian": "hy", "finnish": "fi", "swedish": "sv", "dutch": "nl",
    "hebrew": "he", "turkish": "tr", "greek": "el", "indonesian": "id", "slovenian": "sl", "macedonian": "mk",
}
# Scripts a second-language block must mostly be written in to count as intact.
SCRIPT_OF = {"ko": "HANGUL", "ru": "CYRILLIC", "bg": "CYRILLIC", "mn": "CYRILLIC", "uk": "CYRILLIC",
             "sr": "CYRILLIC", "mk": "CYRILLIC", "zh": "CJK", "ja": "CJK", "ar": "ARABIC", "fa": "ARABIC",
             "he": "HEBREW", "ka": "GEORGIAN", "hy": "ARMENIAN", "el": "GREEK", "hi": "DEVANAGARI"}


@dataclass
class Line:
    no: int          # 1-based
    raw: str
    text: str        # stripped, artifacts removed
    indent: int


def _clean(raw: str) -> str:
    text = raw.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", text).strip()


def _key(text: str) -> str:
    return BULLET.sub("", text).strip().rstrip(":").lower()


class _Page:
    """The lines of one page and the bookkeeping of what was taken or dropped."""

    def __init__(self, text: str):
        self.lines = [Line(i + 1, raw, _clean(raw), len(raw) - len(raw.lstrip(" \t\u00a0")))
                      for i, raw in enumerate(text.split("\n"))]
        self.used = [False] * len(self.lines)
        self.dropped: list[Dropped] = []

    def drop(self, i: int, reason: str) -> None:
        if not self.used[i] and self.lines[i].text:
            self.dropped.append(Dropped(self.lines[i].no, self.lines[i].text, reason))
        self.used[i] = True

    def take(self, i: int) -> str:
        self.used[i] = True
        return self.lines[i].text

    def next_nonblank(self, i: int, stop: int | None = None) -> int | None:
        stop = len(self.lines) if stop is None else stop
        for j in range(i, stop):
            if self.lines[j].text and not self.used[j]:
                return j
        return None


def read_wilson(text: Text, name: str, path: str) -> Source:
    """Read one page of the archive into a `Source`."""
    page = _Page(text.text)
    src = Source(name=name, path=path, sha256=text.sha256)
    lines = page.lines
    n = len(lines)

    # 1. Scrape artifacts and markdown emphasis: strip, count.
    for i, line in enumerate(lines):
        if line.text and ARTIFACT_LINE.match(line.text):
            page.drop(i, "scrape artifact")
        elif ARTIFACT_PREFIX.match(line.text):
            page.dropped.append(Dropped(line.no, ARTIFACT_PREFIX.match(line.text).group().strip(), "scrape artifact"))
            line.text = ARTIFACT_PREFIX.sub("", line.text)
        if "**" in line.text:
            page.dropped.append(Dropped(line.no, "**", "markdown emphasis"))
            line.text = line.text.replace("**", "").strip()

    # 2. The trailer: "Document Information" & co., citation, rights, record id.
    trailer = next((i for i, l in enumerate(lines) if _key(l.text) in TRAILER_START), None)
    rights_at = next((i for i, l in enumerate(lines) if l.text.startswith(RIGHTS_START)), None)
    if trailer is None or (rights_at is not None and rights_at < trailer):
        trailer = rights_at
    end = trailer if trailer is not None else n
    if trailer is not None:
        _read_trailer(page, src, trailer)

    # 3. Labelled sections (Citation:, Summary: ...), anywhere before the trailer.
    body_start = _read_labelled(page, src, end)

    # 4. The date line and what precedes it (a description on some pages).
    date_i = None
    for i in range(0, min(end, 60)):
        if page.used[i] or not lines[i].text:
            continue
        if _key(lines[i].text) in FURNITURE:
            page.drop(i, "page furniture")
            continue
        iso = parse_standalone(lines[i].text)
        if iso:
            date_i = i
            src.date_text, src.date_iso = page.take(i), iso
            break
    pre_date = []
    if date_i is not None:
        for i in range(0, date_i):
            if not page.used[i] and lines[i].text:
                pre_date.append(page.take(i))

    # 5. Credits and furniture between the date and the text; then the title.
    cursor = (date_i + 1) if date_i is not None else 0
    for i in range(cursor, end):
        if page.used[i] or not lines[i].text:
            continue
        m = FUNDER.match(lines[i].text)
        if m:
            src.funder = src.funder or m.group("funder").strip()
            src.credit = src.credit or lines[i].text
            page.take(i)
    citation_block = _find_citation_block(page, cursor, end)
    if citation_block is not None:
        _read_citation_block(page, src, *citation_block)
    head_stop = citation_block[0] if citation_block else end
    for i in range(cursor, head_stop):
        if not page.used[i] and lines[i].text and _key(lines[i].text) in FURNITURE:
            page.drop(i, "page furniture")
    title_i = page.next_nonblank(cursor, end)
    if title_i is not None and citation_block is not None and title_i < citation_block[0]:
        # New-site heading (often in capitals) repeats the citation's title.
        title_line = page.take(title_i)
        if src.title is None and src.citation:
            src.title = cit.parse_citation(src.citation).title
        if src.title is None:
            src.title = title_line
        elif _norm(title_line) == _norm(src.title):
            page.dropped.append(Dropped(lines[title_i].no, title_line, "title repeated by the page heading"))
        else:
            src.notes.append(title_line)
    elif title_i is not None and citation_block is None and _looks_like_title(lines[title_i].text) and \
            (body_start is None or title_i < body_start):
        title_lines = [title_i]
        # A bold title wrapped over two lines continues without a blank line.
        if _is_wrapped(lines, title_i) and title_i + 1 < end and lines[title_i + 1].text:
            title_lines.append(title_i + 1)
        src.title = " ".join(page.take(k) for k in title_lines)
    english = next((i for i in range(cursor, end) if not page.used[i] and lines[i].text in ("English HTML", "English Translation")), None)
    if english is not None:
        page.drop(english, "page furniture")
        body_start = max(body_start or 0, english + 1)
    if body_start is None:
        body_start = cursor
    # Anything before the body that is still unread: furniture or page notes.
    for i in range(0, body_start):
        if page.used[i] or not lines[i].text:
            continue
        if _key(lines[i].text) in FURNITURE or URL.match(lines[i].text):
            page.drop(i, "page furniture")
        else:
            pre_date.append(page.take(i))

    # 7. Second-language blocks ("Korean HTML") up to the trailer.
    lang_starts = [i for i in range(body_start, end) if not page.used[i] and LANG_BLOCK.match(lines[i].text)
                   and _lang_code(LANG_BLOCK.match(lines[i].text).group("lang")) not in (None, "en")]
    body_end = lang_starts[0] if lang_starts else end
    for k, start in enumerate(lang_starts):
        stop = lang_starts[k + 1] if k + 1 < len(lang_starts) else end
        src.sections.append(_read_section(page, start, stop))

    # 8. Summary of old-site / plain-lines pages: the last paragraph before the trailer.
    body_idx = [i for i in range(body_start, body_end) if not page.used[i] and lines[i].text]
    for i in body_idx:
        if _key(lines[i].text) in FURNITURE:
            page.drop(i, "page furniture")
    body_idx = [i for i in body_idx if not page.used[i]]
    paragraphs = _paragraphs(lines, body_idx)
    if src.summary is None and trailer is not None and paragraphs and _key(lines[trailer].text) in TRAILER_START:
        last = paragraphs.pop()
        src.summary = " ".join(page.take(i) for i in last)
    if pre_date:
        # A description before the date (plain-lines pages) is the archive's summary too.
        src.summary = " ".join(pre_date) if src.summary is None else " ".join(pre_date) + "\n" + src.summary

    # 9. Body blocks, typed.
    raw_blocks = [(lines[p[0]].no, " ".join(page.take(i) for i in p)) for p in paragraphs]
    src.body = type_blocks(raw_blocks)
    for b in src.body:
        c = CLASSIFICATION.match(b.text)
        if c and src.classification is None and len(b.text.split()) <= 6:
            src.classification = c.group("c").title()

    if src.title is None and src.citation:
        src.title = cit.parse_citation(src.citation).title
    if src.date_iso is None and src.citation:
        parsed = cit.parse_citation(src.citation)
        if parsed.date_text:
            src.date_text, src.date_iso = parsed.date_text, parse_standalone(parsed.date_text)
    _read_citation_fields(src)
    if src.signature.repository is None and src.original_archive:
        src.signature.repository = src.original_archive
    _read_archival_signature_line(src)
    src.layout = _layout(text.text)
    # Whatever is still unread is furniture we know, or text we must keep.
    for i, line in enumerate(lines):
        if not page.used[i] and line.text:
            if _key(line.text) in FURNITURE:
                page.drop(i, "page furniture")
            else:
                src.notes.append(page.take(i))
    src.dropped = sorted(page.dropped, key=lambda d: d.line)
    return src


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


def _looks_like_title(text: str) -> bool:
    return not FUNDER.match(text) and _key(text) not in FURNITURE and not text.startswith(RIGHTS_START)


def _is_wrapped(lines: list[Line], i: int) -> bool:
    """A bold title broken over lines: the first has an opening ** without a closing one."""
    return lines[i].raw.count("**") == 1


def _lang_code(name: str) -> str | None:
    return LANG_CODES.get(name.lower())


def _layout(text: str) -> str:
    head = text[:600]
    if "Search in" in head or "get citation" in text[:3000]:
        return "new-site"
    if re.search(r"^(Citation|Summary|Credits|Original Language|Contents):\s*$", text, re.M):
        return "labelled"
    if head.lstrip().startswith("Skip to content"):
        return "old-site"
    if "\n\n" not in text[:300]:
        return "plain-lines"
    return "other"


def _read_trailer(page: _Page, src: Source, start: int) -> None:
    """The page's trailer: headed lists (associated places, people, topics, authors), the
    citation, original archive, rights text and record id. Headings are furniture; what
    stands under them is metadata of the document and goes into the header."""
    lines = page.lines
    rights: list[str] = []
    section = None
    for i in range(start, len(lines)):
        t = lines[i].text
        key = _key(t)
        if not t or page.used[i]:
            continue
        if key in ("record id", "original uploaded date"):
            page.drop(i, "page furniture")
            section = key
            continue
        if key in TRAILER_LISTS or key in FURNITURE:
            page.drop(i, "page furniture")
            section = TRAILER_LISTS.get(key)
            continue
        if section == "record id" and re.fullmatch(r"\d+", t):
            src.record_id = page.take(i)
        elif section == "original uploaded date":
            page.drop(i, "page furniture (upload date of the web page)")
        elif t.startswith(RIGHTS_START) or section == "rights" or (rights and t.startswith("To enquire")):
            rights.append(page.take(i))
        elif URL.match(t):
            src.source_url = src.source_url or t.strip("<>")
            page.take(i)
        elif section in ("place", "topic", "person-or-org"):
            src.keywords.append((section, page.take(i)))
        elif section == "author":
            src.authors.append(page.take(i))
        elif section == "archive":
            src.original_archive = src.original_archive or page.take(i)
        elif section == "language":
            src.original_language = src.original_language or page.take(i)
        elif src.citation is None and (section == "source" or cit.CREDIT.search(t) or
                                       re.search(r"\b(fond|f\.|Folder|op\.|delo|Archive|Archives|AVPRF|SAPMO|AMAE|RGASPI)\b", t)):
            src.citation = page.take(i)
    if rights:
        src.rights = " ".join(rights)


def _read_labelled(page: _Page, src: Source, end: int) -> int | None:
    """Read "Citation:", "Summary:" … sections; return where the body starts, if they occur."""
    lines = page.lines
    labels = [i for i in range(end) if re.fullmatch(r"(Citation|Summary|Credits|Original Language|Contents):", lines[i].text)]
    if not labels:
        return None
    body_start = None
    for k, i in enumerate(labels):
        label = lines[i].text.rstrip(":").lower()
        page.drop(i, "section label")
        stop = labels[k + 1] if k + 1 < len(labels) else end
        content = [j for j in range(i + 1, stop) if lines[j].text and not page.used[j]]
        if label == "contents":
            items = []
            for j in content:
                if CONTENTS_ITEM.match(lines[j].text):
                    items.append(j)
                else:
                    break
            for j in items:
                page.drop(j, "contents listing of the web page")
            body_start = (items[-1] + 1) if items else i + 1
            continue
        paras = _paragraphs(lines, content) if label != "contents" else []
        texts = [" ".join(page.take(j) for j in p) for p in paras]
        joined = " ".join(texts)
        if label == "citation":
            src.citation = joined
        elif label == "summary":
            src.summary = "\n".join(texts)
        elif label == "credits":
            m = FUNDER.match(joined)
            src.funder = m.group("funder").strip() if m else joined
            src.credit = joined
        elif label == "original language":
            src.original_language = joined
    return body_start if body_start is not None else labels[-1] + 1


def _find_citation_block(page: _Page, start: int, end: int) -> tuple[int, int] | None:
    """The indented block with the summary and the quoted citation, if the page has one."""
    lines = page.lines
    get = next((i for i in range(start, end) if _key(lines[i].text) in ("get citation",)), None)
    if get is not None:
        stop = next((i for i in range(get + 1, end) if _key(lines[i].text) in ("share document", "view document in", "english html")), end)
        return get, stop
    # "other" layout: an indented block whose last line is a quoted citation.
    for i in range(start, min(end, start + 12)):
        t = lines[i].text
        if t and lines[i].indent >= 2 and t.startswith(('"', "“")) and cit.CREDIT.search(t) or \
                (t and lines[i].indent >= 2 and t.startswith(('"', "“")) and "Digital Archive" in t):
            first = i
            while first > start and (lines[first - 1].indent >= 2 or not lines[first - 1].text):
                first -= 1
            return first, i + 1
    return None


def _read_citation_block(page: _Page, src: Source, start: int, stop: int) -> None:
    lines = page.lines
    summary = []
    for i in range(start, stop):
        t = lines[i].text
        if not t or page.used[i]:
            continue
        if _key(t) in FURNITURE:
            page.drop(i, "page furniture")
        elif t.startswith(('"', "“")):
            src.citation = page.take(i)
        elif URL.match(t):
            src.source_url = src.source_url or t.strip("<>")
            page.take(i)
        else:
            summary.append(page.take(i))
    if summary:
        src.summary = "\n".join(summary)
    # The share-document block that follows carries the page's URL.
    for i in range(stop, min(stop + 6, len(lines))):
        t = lines[i].text
        if _key(t) in ("share document", "view document in"):
            page.drop(i, "page furniture")
        elif URL.match(t):
            src.source_url = src.source_url or t.strip("<>")
            page.take(i)


def _read_citation_fields(src: Source) -> None:
    if not src.citation:
        return
    c = cit.parse_citation(src.citation)
    src.translators = src.translators or c.translators
    src.obtainers = src.obtainers or c.obtainers
    src.source_url = src.source_url or c.url
    if src.record_id is None and src.source_url:
        m = re.search(r"/(?:document|node)/(\d+)$", src.source_url)
        if m:
            src.record_id = m.group(1)
    if c.archive_part:
        src.signature, src.extra_locations = cit.parse_signature(c.archive_part)


def _read_archival_signature_line(src: Source) -> None:
    """A letterhead's "Archival Signature: SAPMO-BA, DY 30, IV 2/20/137" is the document's own shelfmark."""
    for b in src.body:
        m = re.match(r"^Archival Signature:\s*(?P<sig>.+)$", b.text)
        if m:
            parts = [p.strip() for p in m.group("sig").split(",")]
            if len(parts) > 1 and not re.search(r"\d", parts[0]):
                src.signature.idnos = [("signature", ", ".join(parts[1:]))] + \
                    [x for x in src.signature.idnos if x[0] != "signature"]
            return


def _paragraphs(lines: list[Line], idx: list[int]) -> list[list[int]]:
    """Group line indices into paragraphs.

    Blank lines separate paragraphs. Within a group, lines are one paragraph
    only when they read as one wrapped sentence; short lines (letterheads,
    lists, signatures) stay apart. Pages without blank lines give a paragraph a line.
    """
    groups: list[list[int]] = []
    for i in idx:
        if groups and i == groups[-1][-1] + 1 and _continues(lines[groups[-1][-1]].text, lines[i].text):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _continues(prev: str, cur: str) -> bool:
    """Whether `cur` continues the sentence of `prev` (a line wrapped inside a paragraph)."""
    if not prev or not cur or prev.endswith((".", ":", ";", "!", "?", '"', "”", ")", "]")):
        return False
    return cur[0].islower() and len(prev.split()) >= 6


def _read_section(page: _Page, start: int, stop: int) -> Section:
    lines = page.lines
    label = page.take(start)
    lang = _lang_code(LANG_BLOCK.match(label).group("lang")) or "und"
    idx = [i for i in range(start + 1, stop) if lines[i].text and not page.used[i]]
    blocks = [Block("p", " ".join(page.take(i) for i in p), lines[p[0]].no) for p in _paragraphs(lines, idx)]
    text = "".join(b.text for b in blocks)
    return Section(lang=lang, label=label, blocks=blocks, damaged=_damaged(text, lang))


def _damaged(text: str, lang: str) -> bool:
    """Text is damaged when it is not written in its language's script (mojibake, stripped bytes)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    script = SCRIPT_OF.get(lang)
    if script:
        in_script = sum(1 for ch in letters if script in unicodedata.name(ch, ""))
        return in_script < 0.5 * len(letters)
    symbols = sum(1 for ch in text if not (ch.isalnum() or ch.isspace() or ch in ".,;:'\"()-–—?!"))
    return symbols > 0.15 * max(1, len(text))
