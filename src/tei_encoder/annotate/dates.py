"""Dates: find date expressions in English text and normalise them to ISO 8601.

Precision is kept (1960-05 for "May 1960"); ranges become @from/@to; a date
written without its year is resolved against the document's date and marked
as a conjecture. Ordinals of events ("the 22nd congress"), ages ("60th
birthday"), document numbers and times of day are not dates: every pattern
here needs a month name or a plausible year in a date-like position.
"""
from __future__ import annotations

import re

from . import Span

MONTHS = {
    name: i for i, names in enumerate([
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ], start=1) for name in names
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
         "ix": 9, "x": 10, "xi": 11, "xii": 12}

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|" \
         r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_Q = "[\"“”„'‘’]?"                          # odd quotes round a day: “15” October 1956
_DAY = rf"{_Q}(?P<{{n}}>[0-3]?\d)(?: ?(?:st|nd|rd|th))?{_Q}"
_YEAR = r"(?P<{n}>1[89]\d\d|20[0-4]\d)"
_SP = r"[ \u00a0]+"
_SPO = r"[ \u00a0]*"


def _day(n: str) -> str:
    return _DAY.replace("{n}", n)


def _year(n: str) -> str:
    return _YEAR.replace("{n}", n)


def _mon(n: str) -> str:
    return rf"(?P<{n}>{_MONTH})"


_NOT_BEFORE = r"(?<![\w./])(?<!\d[-–])"      # "mid-1956" is a date; "23-26/1696" is not
_NOT_AFTER = r"(?![\w-]|/(?!\d{1,2}:\d\d)|\.\d)"   # "26.08.1976/03:00": a date, then the time

# Order matters: longer (range) patterns first; the finder keeps the first match at a position.
_FROM = r"(?:(?:[Ff]rom|[Bb]etween)[ \u00a0]+)?"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(_NOT_BEFORE + rx + _NOT_AFTER, re.I if ci else 0)) for name, rx, ci in [
    # between 1972 April 4 and 11
    ("ymd-d", rf"{_FROM}{_year('y')}{_SP}{_mon('m')}{_SP}{_day('d1')}{_SP}(?:and|to|-|–){_SP}{_day('d2')}", False),
    # 1 and 2 February 1962 (two days of one month)
    ("d-and-dm-y", rf"{_day('d1')}{_SP}and{_SP}{_day('d2')}{_SP}(?:of{_SP})?{_mon('m')},?{_SP}{_year('y')}", False),
    # 16 July to 23 August 1981 / from 24 May to 11 June 1956
    ("dm-dm-y", rf"{_FROM}{_day('d1')}{_SP}(?:of{_SP})?{_mon('m1')}{_SP}(?:to|through|until|till|-|–){_SP}{_day('d2')}{_SP}(?:of{_SP})?{_mon('m2')},?{_SP}{_year('y')}", False),
    # between 21 February and 5 June 1972 (a range: "between" makes the "and" mean "to")
    ("between-dm-dm-y", rf"[Bb]etween{_SP}{_day('d1')}{_SP}(?:of{_SP})?{_mon('m1')}{_SP}and{_SP}{_day('d2')}{_SP}(?:of{_SP})?{_mon('m2')},?{_SP}{_year('y')}", False),
    # July 16 to August 23, 1981
    ("md-md-y", rf"{_FROM}{_mon('m1')}{_SP}{_day('d1')}{_SPO}(?:to|until|-|–){_SPO}{_mon('m2')}{_SP}{_day('d2')},?{_SP}{_year('y')}", False),
    # 4-11 April 1972 / 4 to 11 April 1972
    ("d-dm-y", rf"{_FROM}{_day('d1')}{_SPO}(?:-|–|to|till|until|through){_SPO}{_day('d2')}{_SP}(?:of{_SP})?{_mon('m')},?{_SP}{_year('y')}", False),
    # April 4-11, 1972
    ("md-d-y", rf"{_mon('m')}{_SP}{_day('d1')}{_SPO}(?:-|–){_SPO}{_day('d2')},?{_SP}{_year('y')}", False),
    # January-December 1978
    ("m-m-y", rf"{_mon('m1')}{_SPO}(?:-|–|to){_SPO}{_mon('m2')},?{_SP}{_year('y')}", False),
    # 22 August 1963 / 8th of October, 1956 / “15” October 1956
    ("dmy", rf"{_day('d')}{_SP}(?:of{_SP})?{_mon('m')},?{_SP}{_year('y')}", False),
    # August 22, 1963 / May 7th, 1978 / April  14th, 1978
    ("mdy", rf"{_mon('m')}{_SP}{_day('d')},?{_SP}{_year('y')}", False),
    # 1972 April 4 (Hungarian order)
    ("ymd", rf"{_year('y')}{_SP}{_mon('m')}{_SP}{_day('d')}", False),
    # 24.10.62 / 27.X 62. / 26.X 1962 / 12.10.1950
    ("numeric", r"(?P<d>[0-3]?\d)\.[ ]?(?P<m>[0-1]?\d|[IVXivx]{1,4})\.?[ ]?(?P<y>1[89]\d\d|\d\d)(?!\d)", False),
    # 1972 April (year first, no day)
    ("ym", rf"{_year('y')}{_SP}{_mon('m')}(?!{_SPO}\d)", False),
    # August (1955)
    ("m(y)", rf"{_mon('m')}{_SP}\({_year('y')}\)", False),
    # May 1960 / August, 1981 / March of 1956
    ("my", rf"{_mon('m')}(?:,|{_SP}of)?{_SP}{_year('y')}", False),
    # 15/10/1956 or 10/14/50: only where the day cannot be the month (one part is over 12)
    ("slash", r"(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>1[89]\d\d|20[0-4]\d|\d\d)", False),
    # 1956-03-05 / 1956.3.5 (year first, numeric)
    ("iso", r"(?P<y>1[89]\d\d|20[0-4]\d)[-./](?P<m>[01]?\d)[-./](?P<d>[0-3]?\d)", False),
    # 1955-1956 / 1955–56 (a span of years)
    ("y-y2", rf"{_year('y1')}{_SPO}[-–]{_SPO}(?P<y2>1[89]\d\d|20[0-4]\d|\d\d)", False),
    # the 1950s (a decade)
    ("decade", r"(?P<y>1[89]\d0|20[0-4]0)['’]?s", False),
    # c. 1962 / circa 1962 (an approximate year)
    ("circa", rf"(?:c\.|ca\.|circa){_SPO}{_year('y')}", False),
    # 10-11 October / 10 to 11 October (no year)
    ("d-dm", rf"{_FROM}{_day('d1')}{_SPO}(?:-|–|to|till|until|through){_SPO}{_day('d2')}{_SP}(?:of{_SP})?{_mon('m')}(?!,?{_SP}\d)", False),
    # October 10-11 (no year)
    ("md-d", rf"{_mon('m')}{_SP}{_day('d1')}{_SPO}(?:-|–){_SPO}{_day('d2')}(?!\d|,?{_SP}\d)", False),
    # January 11th and 12th, 1962 (two days of one month)
    ("md-and-d-y", rf"{_mon('m')}{_SP}{_day('d1')}{_SP}and{_SP}{_day('d2')},?{_SP}{_year('y')}", False),
    # January 11th and 12th (no year)
    ("md-and-d", rf"{_mon('m')}{_SP}{_day('d1')}{_SP}and{_SP}{_day('d2')}(?!\d|,?{_SP}\d)", False),
    # 1 and 2 February (two days, no year)
    ("d-and-dm", rf"{_day('d1')}{_SP}and{_SP}{_day('d2')}{_SP}(?:of{_SP})?{_mon('m')}(?!,?{_SP}\d)", False),
    # July, 30th (no year)
    ("m,d", rf"{_mon('m')},{_SP}(?P<d>[0-3]?\d)(?:st|nd|rd|th)(?!,?{_SP}\d)", False),
    # 23.10. [October 23]: a numeric day and month that the translator glosses in brackets
    ("numeric-dm", r"(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.?(?=\s*\[)", False),
    # 28/VII, 3.XI (no year): a Roman month leaves no doubt which number is the day
    ("d/roman", r"(?P<d>[0-3]?\d)[/.](?P<m>XII|XI|X|IX|VIII|VII|VI|IV|V|III|II|I)(?![\w/]|\.\w|\s*\d)", False),
    # 8 October / the 26th of October (no year: resolved against the document's date)
    ("dm", rf"{_day('d')}{_SP}(?:of{_SP})?{_mon('m')}(?!{_SP}\d)", False),
    # October 23 / on October 23rd (no year)
    ("md", rf"{_mon('m')}{_SP}{_day('d')}(?!\d|,?{_SP}\d)", False),
    # from 1920 to 1922 / between 1976 and 1977 (years as a range need "from" or "between")
    ("y-y", rf"(?:[Ff]rom|[Bb]etween){_SP}{_year('y1')}{_SP}(?:to|until|and|-|–){_SP}{_year('y2')}", False),
    # in January / early October / since mid-April (a month without a year, after a word that makes it
    # a time: "May" and "March" are words too)
    ("m", rf"(?P<pre>(?:[Ee]arly|[Ll]ate|[Mm]id)[ -])?(?P<m>January|February|March|April|May|June|"
          rf"July|August|September|October|November|December)(?!{_SPO}\d|,{_SPO}\d|{_SP}of{_SP}\d|{_SP}[A-Z])", False),
    # 1977 (a year standing alone, not part of a number or signature)
    ("y", _year("y"), False),
]]

# Every pattern needs a digit, most a month name: a text without them skips those patterns
# (most paragraphs of a document have no date; scanning them was a third of the tagging time).
_DIGIT = re.compile(r"\d")
_MONTH_WORD = re.compile(_MONTH)
_NEEDS_MONTH = frozenset(name for name, rx in PATTERNS if _MONTH in rx.pattern)

# A bare month name that is also an ordinary word or a name ("May", "March") is
# only a month when a day or year follows; the patterns above guarantee that.
_YEAR_BLOCKERS = re.compile(r"(?:No\.?|Nº|N°|#|number|File|Folder|Matter|fond|opis|delo|papka|f\.|op\.|d\.)\s*$", re.I)


def month_number(token: str) -> int | None:
    token = token.strip(".").lower()
    return MONTHS.get(token) or ROMAN.get(token) or (int(token) if token.isdigit() and 1 <= int(token) <= 12 else None)


def _valid(y: int, m: int, d: int | None = None) -> bool:
    if not 1 <= m <= 12:
        return False
    if d is None:
        return True
    days = [31, 29 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= d <= days[m - 1]


def _iso(y: int, m: int | None = None, d: int | None = None) -> str:
    out = f"{y:04d}"
    if m:
        out += f"-{m:02d}"
    if d:
        out += f"-{d:02d}"
    return out


def _num(match: re.Match[str], group: str) -> int:
    return int(re.sub(r"\D", "", match.group(group)))


# Dates written without a year, completed from the document's date and marked as such.
YEARLESS_RANGES = ("d-dm", "md-d", "d-and-dm", "md-and-d")
YEARLESS_DAYS = ("dm", "md", "m,d", "numeric-dm", "d/roman")
CONJECTURE = (("cert", "medium"), ("evidence", "conjecture"))


def _year_for(doc_date: str | None, month: int) -> int | None:
    """The year of a date written without one: the document's year, or the year before when
    that month would lie more than half a year after the document (reports tell of the past:
    "on 25 December" in a January report is last December)."""
    if not doc_date:
        return None
    year = int(doc_date[:4])
    doc_month = int(doc_date[5:7]) if len(doc_date) >= 7 else None
    if doc_month is not None and month - doc_month > 6:
        return year - 1
    return year


def _attrs(kind: str, m: re.Match[str], doc_date: str | None) -> tuple[tuple[str, str], ...] | None:
    """The TEI attributes for one match, or None if the match is not a real date."""
    g = m.group
    if kind in ("dmy", "mdy", "ymd"):
        y, mo, d = _num(m, "y"), month_number(g("m")), _num(m, "d")
        return (("when", _iso(y, mo, d)),) if mo and _valid(y, mo, d) else None
    if kind in ("ym", "m(y)"):
        y, mo = _num(m, "y"), month_number(g("m"))
        return (("when", _iso(y, mo)),) if mo else None
    if kind == "my":
        y, mo = _num(m, "y"), month_number(g("m"))
        return (("when", _iso(y, mo)),) if mo else None
    if kind == "numeric":
        y, mo, d = int(g("y")), month_number(g("m")), int(g("d"))
        if len(g("y")) == 2:
            if not re.fullmatch(r"[IVXivx]+", g("m")) and "." not in m.group(0)[m.end("m") - m.start():]:
                return None
            y += 1900
        if not mo or not _valid(y, mo, d):
            return None
        return (("when", _iso(y, mo, d)),)
    if kind in ("dm-dm-y", "md-md-y", "between-dm-dm-y"):
        y = _num(m, "y")
        m1, m2, d1, d2 = month_number(g("m1")), month_number(g("m2")), _num(m, "d1"), _num(m, "d2")
        if not (m1 and m2 and _valid(y, m1, d1) and _valid(y, m2, d2)):
            return None
        y1 = y - 1 if (m1, d1) > (m2, d2) else y
        return (("from", _iso(y1, m1, d1)), ("to", _iso(y, m2, d2)))
    if kind == "m":
        mo = month_number(g("m"))
        year = _year_for(doc_date, mo) if mo else None
        return (("when", _iso(year, mo)),) + CONJECTURE if year else None
    if kind in ("d-dm-y", "md-d-y", "md-and-d-y"):
        y, mo, d1, d2 = _num(m, "y"), month_number(g("m")), _num(m, "d1"), _num(m, "d2")
        if not (mo and d1 < d2 and _valid(y, mo, d1) and _valid(y, mo, d2)):
            return None
        return (("from", _iso(y, mo, d1)), ("to", _iso(y, mo, d2)))
    if kind == "m-m-y":
        y, m1, m2 = _num(m, "y"), month_number(g("m1")), month_number(g("m2"))
        if not (m1 and m2 and m1 < m2):
            return None
        return (("from", _iso(y, m1)), ("to", _iso(y, m2)))
    if kind == "slash":
        a, b, y = int(g("a")), int(g("b")), _num(m, "y")
        if y < 100:
            y += 1900                              # "10/14/50" in a telegram form of the archive's century
        if a > 12 >= b:
            d, mo = a, b
        elif b > 12 >= a:
            d, mo = b, a
        else:
            return None                            # 5/6/1956: day-month or month-day? not guessed
        return (("when", _iso(y, mo, d)),) if _valid(y, mo, d) else None
    if kind == "iso":
        y, mo, d = _num(m, "y"), int(g("m")), int(g("d"))
        return (("when", _iso(y, mo, d)),) if _valid(y, mo, d) else None
    if kind == "y-y2":
        y1, y2s = _num(m, "y1"), g("y2")
        y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
        return (("from", _iso(y1)), ("to", _iso(y2))) if y1 < y2 <= y1 + 50 else None
    if kind == "decade":
        y = _num(m, "y")
        return (("from", _iso(y)), ("to", _iso(y + 9)))
    if kind == "circa":
        return (("when", _iso(_num(m, "y"))), ("cert", "low"))
    if kind in YEARLESS_RANGES:
        mo, d1, d2 = month_number(g("m")), _num(m, "d1"), _num(m, "d2")
        year = _year_for(doc_date, mo) if mo else None
        if year is None or not (d1 < d2 and _valid(year, mo, d2)):
            return None
        return (("from", _iso(year, mo, d1)), ("to", _iso(year, mo, d2))) + CONJECTURE
    if kind in YEARLESS_DAYS:
        mo, d = month_number(g("m")), _num(m, "d")
        year = _year_for(doc_date, mo) if mo else None
        if year is None or not _valid(year, mo, d):
            return None
        return (("when", _iso(year, mo, d)),) + CONJECTURE
    if kind == "y":
        return (("when", _iso(_num(m, "y"))),)
    if kind == "y-y":
        y1, y2 = _num(m, "y1"), _num(m, "y2")
        return (("from", _iso(y1)), ("to", _iso(y2))) if y1 < y2 else None
    if kind == "ymd-d":
        y, mo, d1, d2 = _num(m, "y"), month_number(g("m")), _num(m, "d1"), _num(m, "d2")
        if not (mo and d1 < d2 and _valid(y, mo, d1) and _valid(y, mo, d2)):
            return None
        return (("from", _iso(y, mo, d1)), ("to", _iso(y, mo, d2)))
    if kind == "d-and-dm-y":
        y, mo, d1, d2 = _num(m, "y"), month_number(g("m")), _num(m, "d1"), _num(m, "d2")
        if not (mo and d1 < d2 and _valid(y, mo, d2)):
            return None
        return (("from", _iso(y, mo, d1)), ("to", _iso(y, mo, d2)))
    return None


def find_dates(text: str, doc_date: str | None = None) -> list[Span]:
    """Every date expression in `text`, as `date` spans with ISO attributes."""
    has_digit = _DIGIT.search(text) is not None
    has_month = _MONTH_WORD.search(text) is not None
    if not has_digit and not has_month:
        return []
    doc_year = int(doc_date[:4]) if doc_date else None
    taken = [False] * len(text)
    spans: list[Span] = []
    starts = [m.start() for m in _DATE_START.finditer(text)]
    for kind, rx in PATTERNS:
        if (not has_month and kind in _NEEDS_MONTH) or (not has_digit and kind != "m"):
            continue
        for m in _matches_from(rx, text, starts):
            start, end = m.span()
            if any(taken[start:end]):
                continue
            if kind == "y" and (_bad_year_context(text, start, end) or
                                (doc_year and int(m.group("y")) > doc_year + 30)):
                continue
            if kind == "dm" and re.match(r"[\"“”„'‘’]?0?\d{1,2}\b", m.group(0)) and _preceded_by_number_word(text, start):
                continue
            if kind == "m" and not m.group("pre") and (not _MONTH_CUE.search(text, max(0, start - 12), start) or
                                                       _REVOLUTION.search(text, max(0, start - 20), start)):
                continue                              # "May" and "March" alone are words; "in May" a date;
                                                      # "the anniversary of October" is the revolution
            if kind == "slash" and _preceded_by_number_word(text, start):
                continue                              # "No. 12/25/50" is a file number
            if kind == "d/roman" and _SECTION_WORD.search(text, max(0, start - 12), start):
                continue                              # "Chapter 3.IV", "No. 2/I" number parts of a text or file
            attrs = _attrs(kind, m, doc_date)
            if attrs is None:
                continue
            spans.append(Span(start, end, "date", attrs))
            for i in range(start, end):
                taken[i] = True
    return _merge_glosses(text, sorted(spans, key=lambda s: s.start))


# The year an editor supplied after a date written without one: "29 August [1955]", "5 March [19]56".
_SUPPLIED_YEAR = re.compile(r"[ \u00a0]*(?:\[(?P<y>1[89]\d\d|20[0-4]\d)\]|\[(?P<c>1[89]|20)\](?P<yy>\d\d))(?!\d)")


def _with_supplied_year(text: str, s: Span) -> Span | None:
    """A yearless date and the bracketed year after it as one date of that year (no conjecture: the
    year is written, if by the editor)."""
    if s.attr("evidence") != "conjecture":
        return None
    m = _SUPPLIED_YEAR.match(text, s.end)
    if not m:
        return None
    year = m.group("y") or m.group("c") + m.group("yy")
    attrs = tuple((k, year + v[4:]) for k, v in s.attrs if k in ("when", "from", "to"))
    return Span(s.start, m.end(), "date", attrs)


# Between two whole dates written as one range: "1 May 1953 to 25 June 1953", "from 20 December 1955
# through 19 January 1956".
_RANGE_WORD = re.compile(r"[ \u00a0]*(?:to|through|until|till|[-–])[ \u00a0]*")
_RANGE_FROM = re.compile(r"(?:[Ff]rom|[Bb]etween)[ \u00a0]+$")


def _as_range(text: str, a: Span, b: Span) -> Span | None:
    """Two dates joined by "to"/"through" as one from/to range (day precision, in order, both with
    their year written)."""
    fa, fb = a.attr("when"), b.attr("when")
    if not (fa and fb and len(fa) == len(fb) == 10 and fa < fb) or "evidence" in dict(a.attrs) | dict(b.attrs):
        return None
    if not _RANGE_WORD.fullmatch(text, a.end, b.start):
        return None
    before = _RANGE_FROM.search(text, max(0, a.start - 9), a.start)
    return Span(before.start() if before else a.start, b.end, "date", (("from", fa), ("to", fb)))


# Where a date can start: every pattern begins with a digit, a quote before one, a month name, or
# "from"/"between"/"early"/"late"/"mid"/"c." (and never after a letter, a dot or a slash).
_DATE_START = re.compile(r"(?<![\w./])(?:\d|[\"“”„'‘’]\d|(?:[Ff]rom|[Bb]etween|[Ee]arly|[Ll]ate|[Mm]id|circa)\b|ca?\.|"
                         r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC))")


def _matches_from(rx: re.Pattern[str], text: str, starts: list[int]):
    """What rx.finditer(text) yields, trying only the places where a date can start: each pattern
    scanning every character of every paragraph was most of the tagging time."""
    free = 0
    for p in starts:
        if p < free:
            continue
        m = rx.match(text, p)
        if m:
            yield m
            free = m.end()


def _merge_glosses(text: str, spans: list[Span]) -> list[Span]:
    """'23.10. [October 23]': a date and the translator's bracketed rendering of it are one date;
    so are a date without its year and the year supplied in brackets after it."""
    out: list[Span] = []
    i = 0
    while i < len(spans):
        s = spans[i]
        whole = _with_supplied_year(text, s)
        if whole is not None:
            out.append(whole)
            i += 1
            while i < len(spans) and spans[i].start < whole.end:
                i += 1                                # the bracketed year, found on its own
            continue
        if i + 1 < len(spans):
            nxt = spans[i + 1]
            joined = _as_range(text, s, nxt)
            if joined is not None:
                out.append(joined)
                i += 2
                continue
            between = text[s.end:nxt.start]
            if re.fullmatch(r"\s*\[", between) and text[nxt.end:nxt.end + 1] == "]" and \
                    s.attr("when") == nxt.attr("when") and s.attr("when"):
                out.append(Span(s.start, nxt.end + 1, "date", s.attrs))
                i += 2
                continue
        out.append(s)
        i += 1
    return out


def _bad_year_context(text: str, start: int, end: int) -> bool:
    """A four-digit number that is a count, an id or part of a signature is not a year."""
    before, after = text[max(0, start - 12):start], text[end:end + 12]
    if _YEAR_BLOCKERS.search(before):
        return True
    if re.match(r"\s*(?:million|thousand|people|tons?|km|rubles|dollars|copies|hours|meters|metres|men|troops|%)", after, re.I):
        return True
    if re.search(r"\d[,.]?\s?$", before) or re.match(r"[,.]\d", after):
        return True
    if re.match(r"\s+[0-3]?\d\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)", after):
        return True                                    # "sent at 2035 30 September": a time of day
    return False


_MONTH_CUE = re.compile(r"\b(?:in|of|since|until|till|by|during|from|to|last|next|this|throughout|before|after)"
                        r"[ \u00a0]+$", re.I)
_REVOLUTION = re.compile(r"anniversary of (?:the )?$", re.I)
_SECTION_WORD = re.compile(r"(?:section|chapter|article|paragraph|point|item|part|file|folder|fond|opis|delo|"
                           r"no\.?|nº|n°|#)\s*$", re.I)


def _preceded_by_number_word(text: str, start: int) -> bool:
    return bool(re.search(r"(?:No\.|Nº|#)\s*$", text[max(0, start - 6):start]))


def parse_standalone(line: str) -> str | None:
    """The ISO date of a line that is nothing but a date ("August 22, 1963", "August, 1981")."""
    stripped = line.strip().strip("*").strip()
    for kind in ("mdy", "dmy", "my", "ymd"):
        rx = dict(PATTERNS)[kind]
        m = rx.fullmatch(stripped) or rx.fullmatch(stripped.rstrip("."))
        if m:
            attrs = _attrs(kind, m, None)
            if attrs:
                return attrs[0][1]
    if re.fullmatch(r"1[89]\d\d|20[0-4]\d", stripped):
        return stripped
    spans = find_dates(stripped)
    if len(spans) == 1 and spans[0].start == 0 and spans[0].end >= len(stripped.rstrip(".")) \
            and spans[0].attr("evidence") is None:
        return spans[0].attr("when") or spans[0].attr("from")
    return None
