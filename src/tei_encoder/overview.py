"""The overview pages (documents, persons, places, organisations, chronology) at any corpus size.

Each page is made by ``xslt/site-pages.xsl`` from a small summary document holding only what
that page shows, so Saxon never holds the whole edition and no page grows without bound:

- documents: ``index.html``, then ``index-2.html``, … with ``PAGE_DOCS`` documents each (in date
  order) and a pager naming each page's years;
- chronology: ``chronology.html``, ``chronology-2.html``, …: whole years, about ``CHRONO_ITEMS``
  dated documents and events a page; a year with more than that on its own (a dense archive)
  is cut into whole months;
- ``persons.html``, ``places.html``, ``orgs.html``: every entry, with the first ``LISTED``
  documents that mention it; an entry mentioned more often links to ``mentions-KIND-ID.html``
  (and ``-2``, …), which list all of them, ``PAGE_DOCS`` a page.

An edition of up to ``PAGE_DOCS`` documents gets exactly the five pages it always had.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import Iterator, Sequence

from .site import format_date

PAGE_DOCS = 1000     # documents on one index or mentions page
CHRONO_ITEMS = 2000  # dated documents and events on one chronology page (whole years)
LISTED = 20          # documents listed under an entry on the register pages
KIND_PAGE = {"person": "persons", "place": "places", "org": "orgs"}


@dataclass(frozen=True)
class Page:
    """One overview page: its file name (without .html), the template and its summary XML."""
    name: str
    template: str
    xml: str


def page_name(base: str, n: int) -> str:
    return base if n == 1 else f"{base}-{n}"


# ------------------------------------------------------------------ summary fragments

_ATTR_SPECIAL = re.compile(r'[&<>"\n\r\t]')
_TEXT_SPECIAL = re.compile(r"[&<>]")
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _entity(m: re.Match) -> str:
    return _ENTITY[m.group()]


def _a(value: str) -> str:
    """A quoted attribute value, as saxutils.quoteattr makes it but 2-3x faster (most values need no
    escaping; the overview pages make hundreds of thousands)."""
    return '"' + (_ATTR_SPECIAL.sub(_entity, value) if _ATTR_SPECIAL.search(value) else value) + '"'


def _t(value: str) -> str:
    return _TEXT_SPECIAL.sub(_entity, value) if _TEXT_SPECIAL.search(value) else value


def _doc_xml(d, *, kinds: tuple[str, ...] | None = None, events: Sequence | None = None, here: bool = True,
             full: bool = True) -> str:
    """A document's summary; ``full=False`` leaves out the abstract and citation (only the index shows them)."""
    from .site import format_date
    out = [f"<doc name={_a(d.name)} href={_a(d.href)} tei={_a('tei/' + d.name + '.xml')} date={_a(d.date)} "
           f"date-label={_a(format_date(d.date))} year={_a(d.date[:4] if d.date else '')} archive={_a(d.archive)}"
           f"{'' if here else ' here=' + _a('no')}>"
           f"<title>{_t(d.title)}</title>"
           + (f"<abstract>{_t(d.abstract)}</abstract><citation>{_t(d.citation)}</citation>" if full else "")]
    for (kind, eid), n in sorted(d.mentions.items()):
        if kinds is None or kind in kinds:
            out.append(f"<mention kind={_a(kind)} id={_a(eid)} n='{n}'/>")
    for iso, label, ctx in (d.events if events is None else events):
        out.append(f"<event when={_a(iso)} label={_a(label)}>{_t(ctx)}</event>")
    out.append("</doc>")
    return "".join(out)


def _entry_xml(e, docs: int | None = None, more: str = "", listed: Sequence[str] = ()) -> str:
    """An entry; ``docs`` counts the documents that mention it, ``listed`` names those shown here."""
    from .site import authority_link
    extra = (f" docs='{docs}'" if docs is not None else "") + (f" more={_a(more)}" if more else "")
    out = [f"<entry kind={_a(e.kind)} id={_a(e.id)} page={_a(e.page)}{extra}>"]
    out += [f"<listed doc={_a(name)}/>" for name in listed]
    for t, n, lang in e.names:
        out.append(f"<name type={_a(t)} lang={_a(lang)}>{_t(n)}</name>")
    out.append(f"<desc>{_t(e.desc)}</desc><life>{_t(e.life)}</life>"
               f"<occupation>{_t(e.occupation)}</occupation>")
    for t, v in e.idnos:
        link = authority_link(t, v)
        if link:
            out.append(f"<idno type={_a(t)} label={_a(link[0])} href={_a(link[1])}>{_t(v)}</idno>")
    out.append("</entry>")
    return "".join(out)


def _pager(parts: list[tuple[str, str]], current: str) -> str:
    if len(parts) < 2:
        return ""
    return "<pager>" + "".join(f"<part href={_a(n + '.html')} label={_a(label)} "
                               f"current='{'yes' if n == current else 'no'}'/>" for n, label in parts) + "</pager>"


def _site(total: int, body: list[str], extra: str = "") -> str:
    return f"<site total='{total}'{extra}>" + "".join(body) + "</site>"


def _years_label(first: str, last: str) -> str:
    if not first:
        return "Undated"
    return first if first == last else f"{first}–{last or 'undated'}"


def _ref_xml(r, mentions: Sequence[tuple[str, str, int]] = ()) -> str:
    """A document as a listing shows it (page, title, date), with the given (kind, id, n) mentions."""
    from .site import format_date
    return (f"<doc name={_a(r.name)} href={_a(r.href)} date={_a(r.date)} date-label={_a(format_date(r.date))} "
            f"year={_a(r.date[:4] if r.date else '')}><title>{_t(r.title)}</title>"
            + "".join(f"<mention kind={_a(k)} id={_a(i)} n='{n}'/>" for k, i, n in mentions) + "</doc>")


# ------------------------------------------------------------------ one pass over the summaries

@dataclass
class Scan:
    """What the register and chronology pages need to know of every document, from one pass:
    4-8 bytes a mention, a few per dated item, nothing per document."""
    by_entry: dict      # (kind, id) -> (array of document indexes, array of mention counts), date order
    unknown: dict       # kind -> {name as written: [count, array of the first LISTED document indexes]}
    per_month: dict     # "YYYY-MM" ("YYYY-00": dated by the year only) -> dated documents and events


def scan(docs: Sequence) -> Scan:
    by_entry: dict = {}
    unknown: dict = {kind: {} for kind in KIND_PAGE}
    per_month: dict[str, int] = {}
    for i, d in enumerate(docs):
        for key, n in d.mentions.items():
            rows = by_entry.get(key)
            if rows is None:
                rows = by_entry[key] = (array("I"), array("I"))
            rows[0].append(i)
            rows[1].append(n)
        for kind, text in dict.fromkeys(d.unknown):
            if kind in unknown:
                seen = unknown[kind].setdefault(text, [0, array("I")])
                seen[0] += 1
                if seen[0] <= LISTED:
                    seen[1].append(i)
        for month in [_month(d.date)] * bool(d.date) + [_month(iso) for iso, _, _ in d.events if iso]:
            per_month[month] = per_month.get(month, 0) + 1
    return Scan(by_entry, unknown, per_month)


def _month(iso: str) -> str:
    return iso[:7] if len(iso) >= 7 else iso[:4] + "-00"


# ------------------------------------------------------------------ the pages

def index_pages(docs: Sequence, refs: Sequence, register) -> Iterator[Page]:
    bounds = [(a, min(a + PAGE_DOCS, len(docs))) for a in range(0, len(docs), PAGE_DOCS)] or [(0, 0)]
    parts = [(page_name("index", k + 1), _years_label(refs[a].date[:4] if b > a else "",
                                                       refs[b - 1].date[:4] if b > a else ""))
             for k, (a, b) in enumerate(bounds)]
    persons = {e.id: e for e in register.entries if e.kind == "person"}
    for k, (a, b) in enumerate(bounds):
        chunk = [docs[i] for i in range(a, b)]
        name = parts[k][0]
        cited = sorted({eid for d in chunk for (kind, eid) in d.mentions if kind == "person" and eid in persons})
        body = [_doc_xml(d, kinds=("person",), events=()) for d in chunk]
        body += [_entry_xml(persons[eid]) for eid in cited]
        yield Page(name, "index", _site(len(docs), body + [_pager(parts, name)], f" first='{a + 1}' last='{b}'"))


def chronology_periods(per_month: dict[str, int]) -> list[list[str]]:
    """The chronology's parts as lists of periods: whole years ("1956") filling parts of about
    CHRONO_ITEMS items; a year with more items than that on its own is cut into whole months
    ("1956-05"; its items dated by the year only, "1956-00", come first), so that no part grows
    with the density of the archive."""
    per_year: dict[str, int] = {}
    for month, n in per_month.items():
        per_year[month[:4]] = per_year.get(month[:4], 0) + n
    units: list[tuple[str, int]] = []
    for year in sorted(per_year):
        if per_year[year] > CHRONO_ITEMS:
            units += [(m, per_month[m]) for m in sorted(m for m in per_month if m[:4] == year)]
        else:
            units.append((year, per_year[year]))
    groups: list[list[str]] = [[]]
    size = 0
    for period, n in units:
        if groups[-1] and size + n > CHRONO_ITEMS:
            groups.append([])
            size = 0
        groups[-1].append(period)
        size += n
    return groups


def _period_label(period: str) -> str:
    """"1956" or "1956-00" (dated by the year only) -> "1956"; "1956-05" -> "May 1956"."""
    label = format_date(period[:4] if period[5:7] in ("", "00") else period)
    return label if label[:1].isalpha() else period[:4]   # a month the source got wrong: its year


def _periods_label(periods: list[str]) -> str:
    if not periods:
        return "Undated"
    first, last = _period_label(periods[0]), _period_label(periods[-1])
    return first if first == last else f"{first}–{last}"


def chronology_pages(docs: Sequence, per_month: dict[str, int]) -> Iterator[Page]:
    groups = chronology_periods(per_month)
    split = {p[:4] for g in groups for p in g if len(p) > 4}  # the years cut into months

    def period(iso: str) -> str:
        return _month(iso) if iso[:4] in split else iso[:4]
    parts = [(page_name("chronology", k + 1), _periods_label(g)) for k, g in enumerate(groups)]
    group_of = {p: k for k, periods in enumerate(groups) for p in periods}
    members = [array("I") for _ in groups]  # one pass: the documents each part shows (undated: the last)
    for i, d in enumerate(docs):
        touched = {group_of[period(iso)] for iso, _, _ in d.events if iso}
        touched.add(group_of[period(d.date)] if d.date else len(groups) - 1)
        for k in sorted(touched):
            members[k].append(i)
    for k, periods in enumerate(groups):
        wanted = set(periods)
        body = []
        for i in members[k]:
            d = docs[i]
            listed = bool(d.date) and period(d.date) in wanted
            events = [e for e in d.events if e[0] and period(e[0]) in wanted]
            body.append(_doc_xml(d, kinds=(), events=events, here=listed or not d.date, full=False))
        yield Page(parts[k][0], "chronology", _site(len(docs), body + [_pager(parts, parts[k][0])]))


def register_pages(refs: Sequence, register, found: Scan) -> Iterator[Page]:
    """The three register pages, then the mentions pages of entries cited more than LISTED times."""
    empty = (array("I"), array("I"))
    for kind, base in KIND_PAGE.items():
        entries = [e for e in register.entries if e.kind == kind]
        unknown = found.unknown[kind]
        shown: dict[int, list] = {}            # document index -> its mentions of the entries it is listed for
        for e in entries:
            rows, counts = found.by_entry.get((kind, e.id), empty)
            for i, n in zip(rows[:LISTED], counts[:LISTED]):
                shown.setdefault(i, []).append((kind, e.id, n))
        for _, rows in unknown.values():
            for i in rows:
                shown.setdefault(i, [])
        body = [_ref_xml(refs[i], sorted(shown[i])) for i in sorted(shown)]
        for e in entries:
            rows = found.by_entry.get((kind, e.id), empty)[0]
            body.append(_entry_xml(e, len(rows), f"mentions-{kind}-{e.id}.html" if len(rows) > LISTED else "",
                                   [refs[i].name for i in rows[:LISTED]]))
        for text, (count, rows) in sorted(unknown.items()):
            body.append(f"<unknown kind={_a(kind)} text={_a(text)} count='{count}'>"
                        + "".join(f"<in doc={_a(refs[i].name)}/>" for i in rows) + "</unknown>")
        yield Page(base, base, _site(len(refs), body))
        for e in entries:
            rows, counts = found.by_entry.get((kind, e.id), empty)
            if len(rows) > LISTED:
                yield from _mentions_pages(refs, e, kind, rows, counts)


def _mentions_pages(refs: Sequence, entry, kind: str, rows, counts) -> Iterator[Page]:
    base, n = f"mentions-{kind}-{entry.id}", len(rows)
    starts = range(0, n, PAGE_DOCS)
    parts = [(page_name(base, k + 1), f"{a + 1}–{min(n, a + PAGE_DOCS)}") for k, a in enumerate(starts)]
    for k, a in enumerate(starts):
        body = [_entry_xml(entry, n),
                *(_ref_xml(refs[i], [(kind, entry.id, c)]) for i, c in zip(rows[a:a + PAGE_DOCS], counts[a:a + PAGE_DOCS])),
                _pager(parts, parts[k][0])]
        yield Page(parts[k][0], "mentions", _site(n, body, f" first='{a + 1}' kind-page='{KIND_PAGE[kind]}'"))


def all_pages(docs: Sequence, register, refs: Sequence | None = None) -> Iterator[Page]:
    """Every overview page, one at a time (the caller renders and writes each before the next).

    ``docs``: the documents' summaries in date order, a list or a sequence that reads each back
    when asked (it is read about four times over); ``refs``: the same documents' page, title and
    date, kept in memory (default: ``docs`` themselves)."""
    refs = docs if refs is None else refs
    found = scan(docs)
    yield from index_pages(docs, refs, register)
    yield from register_pages(refs, register, found)
    yield from chronology_pages(docs, found.per_month)


def limits() -> str:
    """The page sizes, part of what the pages depend on."""
    return f"{PAGE_DOCS}/{CHRONO_ITEMS}/{LISTED}"


def is_overview_file(name: str) -> bool:
    """An .html file name the overview pages may have written (to remove those no longer made)."""
    stem = name[:-5] if name.endswith(".html") else ""
    if stem in ("index", "chronology", *KIND_PAGE.values()):
        return True
    for base in ("index-", "chronology-", "mentions-"):
        if stem.startswith(base):
            return True
    return False
