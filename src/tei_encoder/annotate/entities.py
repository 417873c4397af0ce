"""Persons, places and organisations: found by the register, then by patterns.

1. Gazetteer: every name form of the register (preferred, variants, surnames,
   abbreviations) is matched token by token, ignoring the translator's
   brackets ("[Anastas] Mikoyan", "V[asily]. Pisarev"), diacritics, hyphens
   and periods ("Kim Il-sung" = "Kim Il Sung", "D.A. Kunaev" = "D. A.
   Kunaev"); abbreviations match only in their own case. The longest match
   wins, so "Central Committee of the CPSU" is one organisation, not a place.
2. Linking: a form that names one entry links to it; a form shared by several
   is linked only when the document's date rules all but one out; otherwise
   it is tagged without a link (a wrong link is worse than none).
3. Patterns find what the register does not know (a capitalised name after a
   title word, initials with a surname, a Korean or Chinese name, an
   organisation by its head noun, "X River"), tagged @cert="low" for review.
4. A bare surname of a person named in full elsewhere in the same document
   is that person (document-level coreference).

Matching is a walk over a token trie: linear in the text's length.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

from wordfreq import zipf_frequency

from ..register import Entry, Register
from . import Span
from .editorial import DESCRIPTION_START, FEATURES as FEATURE_WORDS
from .dates import MONTHS

TOKEN = re.compile(r"[^\W_]+")
# Token shapes the person patterns test on every token (compiled once: re.fullmatch's cache
# lookup alone cost more than the match)
_LETTER = re.compile(r"[A-Z]")
_INITIAL = re.compile(r"[A-Z][a-z]?")
_CAPITALISED = re.compile(r"[A-Z][a-z]+")
_GIVEN_SHAPE = re.compile(r"[A-Z][a-zà-ÿ]+")
_SURNAME_SHAPE = re.compile(r"[A-Z][a-zà-ÿ'’-]{2,}[a-zà-ÿ]")
_LONG_NAME = re.compile(r"[A-Z][\w'’-]{2,}")
# Shapes of the text around a name (matched in place, at an offset: slicing long texts is quadratic)
_COMMA_PLACE = re.compile(r", ([A-Z][\w'’-]*(?: (?:de|da|do|del|la|le|el|[A-Z][\w'’-]*)){0,3})\.?[ \t]*(?=\n|$)")
_SURNAME_ENDINGS = ("ov", "ova", "ev", "eva", "yov", "in", "ina", "sky", "skiy", "skii", "ski", "ska", "enko", "escu",
                    "vich", "ic", "ich", "yan")    # folded forms: "-vić" is "-vic"
_HYPHEN_SYLLABLE = re.compile(r"-[a-z]+")
_BRACKET_THEN_NAME = re.compile(r"\.?\]\s+[A-Z]")
_GLOSS_AFTER = re.compile(r" ?[\[(]([^\])\[(]+)[\])]")
_LETTER_SPACED = re.compile(r"(?<![\w.])[A-ZÀ-Ž](?: [A-Za-zÀ-ž]){3,}(?![\w.])")
_WORD_BEFORE = re.compile(r"([A-ZÀ-Ž][a-zà-ž]+) $")
_PLACE_KIND_AFTER = re.compile(r" (?:[Pp]rovince|[Oo]blast|[Kk]rai|[Pp]refecture|[Cc]ounty)$")
_NUMBER_AFTER = re.compile(r"-\d")
_COUNTRY_INITIALS = re.compile(r"U\. ?[SKN]\.")            # "U.S. Imperialism" is no person
_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th)")

LEXICON = json.loads(resources.files("tei_encoder").joinpath("data/lexicon.json").read_text("utf-8"))


@functools.lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    if s.isascii():
        return s.casefold()
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


class Tok(NamedTuple):
    """A word of a text: folded form, as written, and its offsets (a tuple: texts make millions)."""
    norm: str
    raw: str
    start: int
    end: int


def tokenize(text: str) -> list[Tok]:
    """Tokens of `text` with brackets removed from the view but offsets kept in the original."""
    if "[" not in text and "]" not in text:
        return [Tok(fold(w), w, m.start(), m.end()) for m in TOKEN.finditer(text) for w in (m.group(),)]
    view = []
    index = []
    for i, ch in enumerate(text):
        if ch in "[]":
            continue
        view.append(ch)
        index.append(i)
    vs = "".join(view)
    out = []
    for m in TOKEN.finditer(vs):
        s, e = index[m.start()], index[m.end() - 1] + 1
        out.append(Tok(fold(m.group()), m.group(), s, e))
    return out


@dataclass
class Form:
    entries: tuple[str, ...]
    kind: str
    type: str
    raw: tuple[str, ...]      # the form's tokens as written (case checks)
    exact_case: bool
    gaps: tuple[str, ...] = ()   # punctuation between the tokens that matters ("Korea (North)": "(")


@dataclass
class Candidate:
    start: int
    end: int
    tag: str
    ref: str | None
    cert: str | None
    linked: bool
    strength: int            # 3 register full form, 2 register surname/alias, 1 pattern

    def span(self) -> Span:
        attrs = []
        if self.ref:
            attrs.append(("ref", self.ref))
        if self.cert:
            attrs.append(("cert", self.cert))
        return Span(self.start, self.end, self.tag, tuple(attrs), priority=5)


class Gazetteer:
    """A token trie of the register's name forms."""

    def __init__(self, register: Register):
        self.root: dict = {}
        self.entries = register.by_id
        for e in register.entries:
            for n in e.names:
                self._add(e, n.text, n.type)

    def _add(self, e: Entry, text: str, typ: str) -> None:
        text = re.sub(r"['’]s$", "", text.strip())       # "DPRK's": the possessive is not part of the name
        toks = tokenize(text)
        if not toks:
            return
        exact = typ == "abbr" or (len(text) <= 6 and text.isupper())
        node = self.root
        for t in toks:
            node = node.setdefault(t.norm, {})
        forms: list[Form] = node.setdefault(None, [])
        raw = tuple(t.raw for t in toks)
        gaps = _gaps(text, toks)
        for f in forms:
            if f.kind == e.kind and f.raw == raw and f.exact_case == exact and f.gaps == gaps:
                if e.id not in f.entries:
                    f.entries = f.entries + (e.id,)
                return
        forms.append(Form((e.id,), e.kind, typ, raw, exact, gaps))

    def matches(self, toks: list[Tok], text: str | None = None) -> list[tuple[int, int, Form]]:
        """(first token, last token + 1, form) of every longest match starting at each token.
        With `text`, the punctuation between tokens must agree with the form's."""
        out = []
        for i in range(len(toks)):
            node, best = self.root, None
            j = i
            while j < len(toks) and toks[j].norm in node:
                node = node[toks[j].norm]
                j += 1
                for f in node.get(None, ()):
                    if _case_ok(f, toks[i:j]) and (text is None or _gaps(text, toks[i:j]) == f.gaps):
                        best = (i, j, f)
            if best:
                out.append(best)
        return out


def _case_ok(form: Form, toks: list[Tok]) -> bool:
    for ft, t in zip(form.raw, toks):
        if form.exact_case:
            if ft != t.raw:
                return False
        elif ft[:1].isupper() and not t.raw[:1].isupper():
            return False
    return True


_GAP_NOISE = re.compile(r"[\s.\-–\[\]'’‘\u00a0]+")


def _gaps(text: str, toks: list[Tok]) -> tuple[str, ...]:
    """The punctuation between tokens that tells names apart: spaces, periods, hyphens,
    apostrophes and brackets are noise ("Kim Il-sung" = "Kim Il Sung"); commas and
    parentheses are not ("Korea (North)" is not "Korea, North")."""
    return tuple(_GAP_NOISE.sub("", text[a.end:b.start]) for a, b in zip(toks, toks[1:]))


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso and re.match(r"-?\d{4}", iso) else None


class EntityTagger:
    def __init__(self, register: Register, ref_base: str = "register"):
        self.register = register
        self.gaz = Gazetteer(register)
        self.ref_base = ref_base.rstrip("/")
        lx = LEXICON
        self.titles = {fold(t) for t in lx["person_titles"]}
        self.title_seqs = {tuple(x.norm for x in tokenize(t)) for t in lx["person_titles"]}
        self.title_first = {seq[0] for seq in self.title_seqs}
        self.title_max = max(len(seq) for seq in self.title_seqs)
        self.demonyms = {fold(t) for t in lx["demonyms"]}
        self.not_names = {fold(t) for t in lx["not_names"]}
        self.org_heads = set(lx["org_heads"])
        self.connectors = set(lx["org_connectors"])
        self.embassy = set(lx["embassy_heads"])
        # titles end an organisation's name on the left ("Comrade X Ministry"), except those that
        # begin names of bodies ("General Staff", "General Assembly")
        self.org_left_stop = ({seq[0] for seq in self.title_seqs if len(seq) == 1} - {"general"}) | \
            {fold(w) for w in lx["org_left_stop"]}
        # after "of": members of a body ("Council of Ministers") and "Internal Affairs" belong to its name
        self.org_right_stop = (self.org_left_stop - {"ministers", "deputies", "commissars", "representatives", "internal"}) \
            | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} | set(MONTHS)
        self.org_head_set = {fold(h) for h in lx["org_heads"]}
        self.place_suffixes = set(lx["place_suffixes"])
        self.standalone_orgs = set(lx["standalone_org_heads"])
        self.buildings = set(lx["building_words"])
        self.place_kinds = set(lx["place_kind_words"])
        self.east_asian = {fold(s) for s in lx["korean_surnames"] + lx["chinese_surnames"]}
        self.aliases: dict[str, set[str]] = {}
        self.unknown_aliases: set[str] = set()

    # -- document-level state -------------------------------------------------------
    def start_document(self, texts: list[str], doc_date: str | None) -> None:
        """Learn which persons the document names in full, for their bare surnames later."""
        self.aliases, self.unknown_aliases = {}, set()
        self._cache = {}
        self._toks = {}
        self.redefined = self._redefined_abbreviations(texts)
        for text in texts:
            for c in self._base(text, doc_date):
                if c.tag != "persName":
                    continue
                words = [t for t in tokenize(text[c.start:c.end]) if len(t.raw) > 2 and t.raw[0].isupper()]
                if len(words) < 2:
                    continue
                keys = {words[-1].norm}
                if words[0].norm in self.east_asian:
                    keys.add(words[0].norm)
                for k in keys:
                    if c.ref:
                        self.aliases.setdefault(k, set()).add(c.ref)
                    else:
                        self.unknown_aliases.add(k)

    def _redefined_abbreviations(self, texts: list[str]) -> set[str]:
        """Abbreviations the document defines ("Council on Classification Policy (CCP)") as
        something none of the register's entries with that abbreviation is called."""
        out = set()
        for text in texts:
            for m in ABBR_DEFINITION.finditer(text):
                abbr, words = m.group("abbr"), m.group("name").split()
                initials = "".join(w[0] for w in words if w[0].isupper())
                if not initials.endswith(abbr[-1]) or abbr[0] not in initials:
                    continue                       # not a definition of this abbreviation
                name = fold(" ".join(words))
                known = self.gaz.root.get(fold(abbr), {}).get(None, [])
                if known and not any(fold(n.text) == name or name.endswith(fold(n.text))
                                     for f in known for eid in f.entries
                                     for n in self.register.by_id[eid].names):
                    out.add(abbr)
        return out

    # -- per text -----------------------------------------------------------------------
    def find(self, text: str, doc_date: str | None = None) -> list[Span]:
        chosen = self._select(self._candidates(text, doc_date, coref=True))
        return [c.span() for c in self._list_members(text, chosen)]

    def _list_members(self, text: str, chosen: list[Candidate]) -> list[Candidate]:
        """The other names of a list of persons: in "Suslov (leader), Kozlov, Kuusinen, Ponomarev,
        Andropov" or a distribution line, an unknown surname between known persons is a person too.
        A list qualifies with two persons known (or one and Korean/Chinese surnames standing alone)
        and no place or organisation among its items."""
        if ", " not in text:
            return chosen
        added = []
        for m in _NAME_LIST.finditer(text):
            items = [(x.start(1), x.end(1)) for x in _LIST_ITEM.finditer(text, m.start(), m.end())]
            tags = []
            for a, b in items:
                inside = [c for c in chosen if a <= c.start and c.end <= b]
                if any(c.start < b and a < c.end and not (a <= c.start and c.end <= b) for c in chosen):
                    tags.append("crossed")
                else:
                    kinds = {c.tag for c in inside}
                    tags.append(None if not kinds else kinds.pop() if len(kinds) == 1 else "mixed")
            if any(t not in (None, "persName") for t in tags):
                continue
            bare = [(a, b) for (a, b), t in zip(items, tags) if t is None and self._list_name(text, a, b)]
            known = tags.count("persName")
            surnames = sum(1 for a, b in bare if fold(text[a:b]) in self.east_asian)
            if known >= 2 or (known >= 1 and surnames >= 2):
                added += [Candidate(a, b, "persName", None, "low", False, 1) for a, b in bare]
        return sorted(chosen + added, key=lambda c: c.start) if added else chosen

    def _list_name(self, text: str, a: int, b: int) -> bool:
        """An item of a list that can be a person's name: capitalised name-like words only."""
        words = [toks[0] for w in text[a:b].split(" ") if (toks := tokenize(w))]   # "Il'ichev" is one word
        return 0 < len(words) <= 3 and all(
            t.raw[:1].isupper() and t.norm not in self.not_names and t.norm not in self.demonyms and
            _case(t.raw) not in self.org_heads and t.norm not in self.titles and
            (t.norm in self.east_asian or _zipf(t.norm) < RARE_GIVEN_NAME_ZIPF) for t in words)   # not "File"

    def _ref(self, e: Entry) -> str:
        return f"{self.ref_base}/{e.file}#{e.id}"

    def _tokens(self, text: str) -> list[Tok]:
        """tokenize(), remembered for the current document (texts are scanned several times)."""
        cache = getattr(self, "_toks", None)
        if cache is None:
            cache = self._toks = {}
        if text not in cache:
            cache[text] = tokenize(text)
        return cache[text]

    def _base(self, text: str, doc_date: str | None) -> list[Candidate]:
        """Register and pattern candidates of a text, computed once per document."""
        key = (text, doc_date)
        cache = getattr(self, "_cache", None)
        if cache is None:
            cache = self._cache = {}
        if key not in cache:
            cache[key] = self._candidates(text, doc_date, coref=False)
        return cache[key]

    def _candidates(self, text: str, doc_date: str | None, coref: bool) -> list[Candidate]:
        if coref:
            return self._base(text, doc_date) + self._coref(text)
        toks = self._tokens(text)
        cands: list[Candidate] = []
        taken_tokens: set[int] = set()
        for i, j, form in self.gaz.matches(toks, text):
            entry = self._choose(form, doc_date)
            if entry is not None and form.type == "abbr" and form.raw[0] in getattr(self, "redefined", ()):
                entry = None          # the document spells this abbreviation out as something else
            tag = {"person": "persName", "place": "placeName", "org": "orgName"}[form.kind]
            start, end = toks[i].start, toks[j - 1].end
            start, end = _trim_brackets(text, start, end)
            if end < len(text) and text[end] == "." and re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", text[start:end]):
                end += 1                                   # "U.S." keeps its last period
            if end < len(text) and text[end] == ")" and text[start:end].count("(") > text[start:end].count(")"):
                end += 1                                   # "Korea (North)" keeps its closing parenthesis
            strength = 2 if form.type == "surname" else 3
            if entry:
                cands.append(Candidate(start, end, tag, self._ref(entry), None, True, strength))
            else:
                cands.append(Candidate(start, end, tag, None, "low", False, strength))
            taken_tokens.update(range(i, j))
        cands += self._person_patterns(text, toks)
        cands += self._org_patterns(text, toks)
        cands += self._place_patterns(text, toks)
        cands += [Candidate(t.start, t.end, "orgName", None, "low", False, 1) for t in toks if t.raw in self.standalone_orgs]
        cands += self._glossed_abbreviations(text)
        cands += self._letter_spaced(text)
        cands = [_with_suffix(text, _extend_gloss(text, _outside_brackets(text, _trimmed(text, c)), self))
                 for c in cands]
        cands = [c for c in cands if c.end > c.start and not _continues_outside(text, c)
                 and not (c.tag == "persName" and _NUMBER_AFTER.match(text, c.end))]   # "Mao-1014" is a number
        return cands

    def _coref(self, text: str) -> list[Candidate]:
        """Bare surnames of persons the document names in full."""
        out = []
        if not self.aliases and not self.unknown_aliases:
            return out
        for t in self._tokens(text):
            if not t.raw[:1].isupper() or len(t.raw) <= 2:
                continue
            refs = self.aliases.get(t.norm)
            if refs and len(refs) == 1 and t.norm not in self.unknown_aliases:
                out.append(Candidate(t.start, t.end, "persName", next(iter(refs)), None, True, 2))
            elif refs or t.norm in self.unknown_aliases:
                # a surname the document gives to several persons: a person, but which one is a guess
                out.append(Candidate(t.start, t.end, "persName", None, "low", False, 1))
        return [_extend_gloss(text, c, self) for c in out]

    def _choose(self, form: Form, doc_date: str | None) -> Entry | None:
        entries = [self.register.by_id[i] for i in form.entries]
        if len(entries) == 1:
            return entries[0]
        year = _year(doc_date)
        if year is None:
            return None
        alive = [e for e in entries if _plausible(e, year)]
        active = [e for e in alive if any(_within(year, a) for a in e.active)]
        if len(active) == 1:
            return active[0]
        if len(alive) == 1:
            return alive[0]
        return None

    @staticmethod
    def _select(cands: list[Candidate]) -> list[Candidate]:
        """Non-overlapping candidates: longest first, then register over patterns."""
        ranked = sorted(cands, key=lambda c: (-(c.end - c.start), -c.strength, not c.linked, c.start))
        covered = bytearray(max((c.end for c in cands), default=0))   # characters already in a chosen name
        out = []
        for c in ranked:
            if covered.find(1, c.start, c.end) != -1:
                continue
            covered[c.start:c.end] = b"\x01" * (c.end - c.start)
            out.append(c)
        return sorted(out, key=lambda c: c.start)

    # -- patterns for names the register does not know ---------------------------------
    def _is_name_token(self, t: Tok) -> bool:
        return t.raw[:1].isupper() and t.norm not in self.not_names and t.norm not in self.demonyms \
            and not t.raw.isdigit() and not self._common_word(t)

    def _common_word(self, t: Tok) -> bool:
        """A frequent English word ("Current", "Policy", "Visit") is not taken for an unknown name.
        Korean and Chinese surnames are exempt (Kim, Lee, Park are frequent as names)."""
        z = _zipf(t.norm)
        if t.norm in self.east_asian or (t.norm in GIVEN_NAMES and z < GIVEN_NAME_MAX_ZIPF):
            return False
        return z >= COMMON_WORD_ZIPF

    def _person_patterns(self, text: str, toks: list[Tok]) -> list[Candidate]:
        out = []
        n = len(toks)
        for i, t in enumerate(toks):
            # Title word(s) followed by a capitalised name: "Ambassador Dumitru Popa", "c. Tsedenbal".
            if t.norm in self.title_first and (t.raw[:1].isupper() or t.raw in ("c", "cde", "com", "comrade")) and \
                    (i == 0 or self._title_end(toks, i - 1, text) == i - 1):
                j = i
                while j < n:
                    e = self._title_end(toks, j, text)
                    if e == j:
                        if toks[j].norm in self.demonyms and _gap_ok(text, toks, j):
                            j += 1
                            continue
                        break
                    j = e
                k = j
                while k < n and k - j < 4 and self._is_name_token(toks[k]) and toks[k].norm not in self.org_head_set \
                        and (len(toks[k].raw) > 2 or (k + 1 < n and text[toks[k].end:toks[k].end + 1] == ".")) \
                        and (k == j or _gap_ok(text, toks, k - 1)):
                    k += 1
                if k > j > i:
                    out.append(Candidate(toks[j].start, _name_end(text, toks[k - 1]), "persName", None, "low", False, 1))
            # The clerk's lines of a telegram or record: "Deciphered by Morozov", "typed by Bantsekina".
            if t.norm in _BY_VERBS and i + 2 < n and toks[i + 1].norm == "by" and \
                    text[t.end:toks[i + 1].start] == " " == text[toks[i + 1].end:toks[i + 2].start]:
                k = i + 2
                while k < n and k - i < 5 and self._is_name_token(toks[k]) and toks[k].norm not in self.org_head_set \
                        and not self._gazetteer_kind(toks[k].norm) - {"person"} and (k == i + 2 or _gap_ok(text, toks, k - 1)):
                    k += 1
                if k > i + 2:
                    out.append(Candidate(toks[i + 2].start, _name_end(text, toks[k - 1]), "persName", None, "low", False, 1))
            # A known given name and a surname: "Edgar Snow", "Vasily Kuznetsov", "John F. Kennedy".
            if self._given_name(t) and i + 1 < n and (i == 0 or not toks[i - 1].raw[:1].isupper() or
                                                      text[toks[i - 1].end:t.start] not in (" ",)):
                k = i + 1
                if _LETTER.fullmatch(toks[k].raw) and text[toks[k].end:toks[k].end + 2] == ". " and k + 1 < n:
                    k += 1                                   # a middle initial
                last = toks[k]
                surname_ok = self._is_name_token(last) or (                # "Edgar Snow": a rare given name
                    _zipf(t.norm) < RARE_GIVEN_NAME_ZIPF and last.norm not in self.not_names   # carries a
                    and last.norm not in self.demonyms)                                          # common surname
                gap = text[toks[k - 1].end:last.start]
                if (gap in (" ", ". ") or (gap == "] " and k == i + 1 and t.start > 0 and text[t.start - 1] == "[")) \
                        and _SURNAME_SHAPE.fullmatch(last.raw) \
                        and surname_ok and last.norm not in self.org_head_set \
                        and not self._gazetteer_kind(last.norm) - {"person"}:
                    end = last.end
                    if k + 1 < n and text[last.end:toks[k + 1].start] == " " and self._second_surname(toks[k + 1]):
                        end = toks[k + 1].end                # "Joaquin Hernandez Armas": two surnames
                    out.append(Candidate(t.start, end, "persName", None, "low", False, 1))
            # A name with the sender's or addressee's place: "from Maneli (Saigon) to Spasowski (Warsaw)".
            if i + 1 < n and i > 0 and toks[i - 1].norm in ("from", "to", "by") and self._is_name_token(t) and \
                    _SURNAME_SHAPE.fullmatch(t.raw) and not self._gazetteer_kind(t.norm) and \
                    t.norm not in self.org_head_set and text[t.end:toks[i + 1].start] == " (" and \
                    "place" in self._gazetteer_kind(toks[i + 1].norm) and text[toks[i + 1].end:toks[i + 1].end + 1] == ")":
                out.append(Candidate(t.start, t.end, "persName", None, "low", False, 1))
            # A surname alone with a Slavic or Romanian ending that is no word and no known place:
            # "Seregin", "Korobov", "Spasowski", "Trojanowski", "Bodnaras", "Maneli" (no: no such ending).
            if len(t.raw) >= 5 and t.norm.endswith(_SURNAME_ENDINGS) and t.raw[:1].isupper() and \
                    (t.raw[1:].islower() or t.raw.isupper()) and _zipf(t.norm) < 1.5 and \
                    not self._gazetteer_kind(t.norm) and t.norm not in self.not_names and \
                    t.norm not in self.demonyms and (i + 1 >= n or _case(toks[i + 1].raw) not in self.org_heads):
                out.append(Candidate(t.start, t.end, "persName", None, "low", False, 1))
            # Burmese names with the honorific U: "U Nu", "U Thant", "U Ba Swe".
            if t.raw == "U" and i + 1 < n and text[t.end:toks[i + 1].start] == " " and \
                    _CAPITALISED.fullmatch(toks[i + 1].raw) and toks[i + 1].norm not in self.not_names and \
                    not self._gazetteer_kind(toks[i + 1].norm) - {"person"} and _case(toks[i + 1].raw) not in self.org_heads:
                end = toks[i + 1].end
                if i + 2 < n and text[end:toks[i + 2].start] == " " and _CAPITALISED.fullmatch(toks[i + 2].raw) and \
                        len(toks[i + 1].raw) <= 3 and toks[i + 2].norm not in self.not_names and \
                        not self._gazetteer_kind(toks[i + 2].norm):
                    end = toks[i + 2].end                    # "U Ba Swe"
                out.append(Candidate(t.start, end, "persName", None, "low", False, 1))
            # Initials and surname: "I. Vinogradov", "D.A. Kunaev", "Gh. Micu".
            if _INITIAL.fullmatch(t.raw) and t.end < len(text) and text[t.end] == "." and t.norm not in self.title_first \
                    and not _COUNTRY_INITIALS.match(text, t.start) \
                    and t.raw not in ("No", "Nr", "Nos", "Vs", "Ca", "Co"):   # "No. Chen" is a number
                j = i
                while j < n and _INITIAL.fullmatch(toks[j].raw) and toks[j].end < len(text) and text[toks[j].end] == ".":
                    j += 1
                if j < n and j - i <= 3 and _LONG_NAME.fullmatch(toks[j].raw) and \
                        self._is_name_token(toks[j]) and \
                        toks[j].start - toks[j - 1].end <= 3 and (i == 0 or not _INITIAL.fullmatch(toks[i - 1].raw) or text[toks[i-1].end:toks[i-1].end+1] != "."):
                    out.append(Candidate(t.start, toks[j].end, "persName", None, "low", False, 1))
            # Korean/Chinese names: "Ri Jong-mok", "Heo Dam", "CHANG Ki-yeong", "Chen Dexing".
            if t.norm in self.east_asian and t.raw[:1].isupper() and i + 1 < n:
                nxt = toks[i + 1]
                gap = text[t.end:nxt.start]
                if gap == " " and _CAPITALISED.fullmatch(nxt.raw) and nxt.norm not in self.not_names \
                        and nxt.norm not in self.demonyms:
                    end = nxt.end
                    m = _HYPHEN_SYLLABLE.match(text, end)
                    if m:
                        end = m.end()
                    elif i + 2 < n and text[nxt.end:toks[i + 2].start] == " " and _CAPITALISED.fullmatch(toks[i + 2].raw) \
                            and toks[i + 2].norm not in self.not_names and len(toks[i + 2].raw) <= 5 and len(nxt.raw) <= 5 \
                            and toks[i + 2].norm not in MONTHS:       # not "Zhou Enlai Apr. 4"
                        end = toks[i + 2].end            # Kim Il Sung style three-part names
                    if m or _pinyin(nxt.raw) or end != nxt.end:
                        out.append(Candidate(t.start, end, "persName", None, "low", False, 1))
        return out

    def _second_surname(self, t: Tok) -> bool:
        """A word after "Given Surname" that is a second surname (Spanish and Portuguese names), not
        the next word of the sentence: capitalised, no common word, title, place or body."""
        return bool(_SURNAME_SHAPE.fullmatch(t.raw)) and self._is_name_token(t) and t.norm not in self.titles \
            and _case(t.raw) not in self.org_heads and not self._gazetteer_kind(t.norm) \
            and t.raw not in self.buildings and t.norm not in GIVEN_NAMES

    def _given_name(self, t: Tok) -> bool:
        """A capitalised given name that is not also a frequent English word ("May", "Will", "General")."""
        return t.norm in GIVEN_NAMES and bool(_GIVEN_SHAPE.fullmatch(t.raw)) and \
            t.norm not in self.not_names and t.norm not in self.demonyms and t.norm not in self.titles and \
            _zipf(t.norm) < GIVEN_NAME_MAX_ZIPF and not self._gazetteer_kind(t.norm) - {"person"}

    def _gazetteer_kind(self, norm: str) -> set[str]:
        """Kinds of the register's one-word names equal to this token ("Korea" -> {"place"})."""
        return {f.kind for f in self.gaz.root.get(norm, {}).get(None, ())}

    def _letter_spaced(self, text: str) -> list[Candidate]:
        """Names typed with spaced letters for emphasis ("S H T Y K O V", "Jiri H e n d r y c h",
        "P r a g u e"): read without the spaces; a known name keeps its kind and link, an unknown one
        standing alone on its line (a signature) is a person."""
        out = []
        for m in _LETTER_SPACED.finditer(text):
            prev = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
            start = prev.start(1) if prev else m.start()   # "Jiri H e n d r y c h": the given name written plainly
            read = " ".join(([prev.group(1)] if prev else []) + ["".join(m.group().split())])
            toks = tokenize(read)
            whole = [x for x in self.gaz.matches(toks, read) if x[0] == 0 and x[1] == len(toks)]
            entry = self._choose(whole[0][2], None) if whole else None
            if entry is not None:                        # linked as the same name written plainly would be
                tag = {"person": "persName", "place": "placeName", "org": "orgName"}[whole[0][2].kind]
                out.append(Candidate(start, m.end(), tag, self._ref(entry), None, True, 3))
            elif _alone_on_its_line(text, start, m.end()) and all(self._is_name_token(t) for t in toks):
                out.append(Candidate(start, m.end(), "persName", None, "low", False, 1))
        return out

    def _glossed_abbreviations(self, text: str) -> list[Candidate]:
        """'SC [Security Council]', 'UAR [United Arab Republic; Egypt]': an abbreviation the translator
        spells out is one mention of what the gloss names."""
        out = []
        for m in ABBR_GLOSS.finditer(text):
            gloss = m.group("gloss").split(";")[0].strip()
            toks = tokenize(gloss)
            whole = [x for x in self.gaz.matches(toks, gloss) if x[0] == 0 and x[1] == len(toks)]
            if not whole:
                continue
            form = whole[0][2]
            tag = {"person": "persName", "place": "placeName", "org": "orgName"}[form.kind]
            entry = self.register.by_id[form.entries[0]] if len(form.entries) == 1 else None
            out.append(Candidate(m.start(), m.end(), tag, self._ref(entry) if entry else None,
                                 None if entry else "low", entry is not None, 3))
        return out

    def _title_end(self, toks: list[Tok], i: int, text: str) -> int:
        """The token index after the longest title phrase starting at i (i when there is none)."""
        best = i
        for L in range(1, self.title_max + 1):
            seq = tuple(t.norm for t in toks[i:i + L])
            if len(seq) == L and seq in self.title_seqs and all(_gap_ok(text, toks, i + q) for q in range(L - 1)):
                if toks[i].raw[:1].isupper() or toks[i].raw in ("c", "cde", "com", "comrade", "comrades"):
                    if i + L == len(toks) or _gap_ok(text, toks, i + L - 1):
                        best = i + L
        return best

    def _org_patterns(self, text: str, toks: list[Tok]) -> list[Candidate]:
        """A capitalised phrase with an organisation's head noun: "Socialist Mass Party",
        "Ministry of Foreign Affairs of the DPRK", "Romanian Embassy in Moscow"."""
        out = []
        for h, t in enumerate(toks):
            head = _case(t.raw)
            is_embassy = head in self.embassy
            named_government = t.raw == "government" and h + 1 < len(toks) and toks[h + 1].raw == "of"
            if not (head in self.org_heads or is_embassy or named_government):
                continue
            i = h if named_government else self._org_start(text, toks, h)   # "the government of the USSR"
            j = self._org_end(text, toks, h, is_embassy)
            if j - i < 2 or self._not_a_body(text, toks, i, h, j, head, is_embassy, named_government):
                continue
            end = toks[j - 1].end
            if is_embassy and j == h + 1:
                end = self._comma_place_end(text, toks[h].end) or end   # "Mexican Embassy, Prague" (a heading)
            out.append(Candidate(toks[i].start, end, "orgName", None, "low", False, 1))
        return out

    def _org_start(self, text: str, toks: list[Tok], h: int) -> int:
        """The first token of an organisation's name whose head noun is token h: the capitalised words
        before it (adjectives and names belong to the name), not titles or markers."""
        i = h
        while i > 0:
            if i > 1 and toks[i - 2].raw[:1].isupper() and (
                    (_possessive_s(text, toks, i - 1) and toks[i - 2].norm not in self.org_left_stop) or
                    (_possessive_any(text, toks, i - 1) and "place" in self._gazetteer_kind(toks[i - 2].norm))):
                i -= 2                                   # "Korean Worker’s Party", "North Korea's Ministry of …"
                continue
            if not (toks[i - 1].raw[:1].isupper() and
                    text[toks[i - 1].end:toks[i].start] in (" ", "' ", "’ ", "-", "] ", "[") and
                    toks[i - 1].norm not in self.org_left_stop):
                break
            i -= 1
        if h > i > 1 and toks[i - 1].raw == "and" and text[toks[i - 2].end:toks[i].start] == " and " and \
                toks[i - 2].raw[:1].isupper() and _zipf(toks[i - 2].norm) >= 2.5 and \
                not self._gazetteer_kind(toks[i - 2].norm) and \
                (i < 3 or not toks[i - 3].raw[:1].isupper() or text[toks[i - 3].end:toks[i - 2].start] != " "):
            i -= 2                                       # "Information and Culture Department" (one word before "and")
        if i == h and i > 0 and _ORDINAL.fullmatch(toks[i - 1].raw) and text[toks[i - 1].end:toks[i].start] == " ":
            # "8th Department of the General Staff", "Foreign Affairs 5th Department"; an ordinal further
            # left belongs to an event ("20th Soviet Communist Party [Congress]")
            i -= 1
            while i > 0 and toks[i - 1].raw[:1].isupper() and \
                    text[toks[i - 1].end:toks[i].start] == " " and toks[i - 1].norm not in self.org_left_stop:
                i -= 1
        return i

    def _org_end(self, text: str, toks: list[Tok], h: int, is_embassy: bool) -> int:
        """The token after an organisation's name whose head noun is token h: "of (the) X …", "for X",
        "in (the) X" after an embassy or before a body, "to X" (a country) after an embassy."""
        n = len(toks)
        j = h + 1
        if _case(toks[h].raw) == "Radio" and j < n and toks[j].raw[:1].isupper() and \
                text[toks[h].end:toks[j].start] == " ":
            j += 1                                       # "Radio Seoul", "Radio Moscow": the head comes first
        while j < n:
            gap = text[toks[j - 1].end:toks[j].start]
            word = _case(toks[j].raw)
            if gap not in (" ", "] ") and not (gap == "\n" and word == "in" and is_embassy):
                break                                    # ("Embassy of the GDR\nin the DPRK": a letterhead)
            if word in self.connectors or word == "in" or (word == "to" and is_embassy):
                k = j + 1
                while k < n and _case(toks[k].raw) in ("the", "of") and text[toks[k - 1].end:toks[k].start] == " ":
                    k += 1
                m = self._org_words_end(text, toks, k)
                if m == k:
                    break
                if word == "in" and not (is_embassy or any(_case(x.raw) in self.embassy for x in toks[h:j]) or
                                         any(_case(x.raw) in self.org_heads for x in toks[k:m])):
                    break                                # "Protocol Directorate in the DPRK Ministry …"
                if word == "to" and not any("place" in self._gazetteer_kind(x.norm) for x in toks[k:m]):
                    break                                # "GDR Embassy to DPRK", not "Embassy to Comrade Kim"
                j = m
            elif j == h + 1 and word[:1].isupper() and word in self.org_heads:
                j += 1                                   # "Central Committee Presidium"
            elif j == h + 1 and re.fullmatch(r"\d{1,3}|[IVX]{1,5}", word) and \
                    not re.match(r"[/.-]?\w", text[toks[j].end:toks[j].end + 2]):
                j += 1                                   # "Division IV", "Office 9"; not "Embassy 242/18/K/53"
            else:
                break
        return j

    def _org_words_end(self, text: str, toks: list[Tok], k: int) -> int:
        """The end of the capitalised words from token k on, after "of the" in a body's name."""
        n = len(toks)
        m = k
        while m < n:
            gap = text[toks[m - 1].end:toks[m].start]
            if m > k and _possessive_s(text, toks, m) and m + 1 < n and toks[m + 1].raw[:1].isupper():
                m += 1                                   # "of the Korean Worker’s Party"
            elif m == k and _ORDINAL.fullmatch(toks[m].raw) and m + 1 < n and toks[m + 1].raw[:1].isupper():
                pass                                     # "of the 8th Directorate" (not "on the 2nd")
            elif toks[m].norm in self.east_asian and toks[m].raw[:1].isupper() and (m > k or (
                    m + 1 < n and toks[m + 1].raw[:1].isupper() and text[toks[m].end:toks[m + 1].start] == " ")):
                break                                    # "of the DPRK Kim Il", "on Heo Dam": a person follows
            elif not (toks[m].raw[:1].isupper() and toks[m].norm not in self.org_right_stop and
                      (gap in (" ", " [", "] ") or (gap in ("’ ", "' ") and toks[m - 1].raw.endswith("s")) or
                       (m == k and gap == "\n" and toks[m - 1].norm in ("of", "the")))):
                break                                    # ("of the\nCivil Air Fleet": the line ends mid-name;
            m += 1                                       # "CC [Central Committee]"; "Korean Workers’ Party")
        return m

    def _not_a_body(self, text, toks, i, h, j, head, is_embassy, named_government) -> bool:
        """Phrases with a body's head noun that name no body."""
        n = len(toks)
        if is_embassy and i == h and j == h + 1:
            return True                                  # "the embassy" alone names nothing
        if j == h + 2 and toks[j - 1].norm in self.titles:
            return True                                  # "Cabinet Secretary" is an office, not a body
        if named_government and j == h + 1:
            return True
        if head == "Government" and j == h + 1 and all(x.norm in self.demonyms for x in toks[i:h]):
            return True                                  # "the Soviet Government" is described, not named
        if head.lower() == "delegation" and (j == h + 1 or _case(toks[h + 1].raw) == "of"):
            return True                                  # "CPSU Delegation": the party is named, the delegation described
        # "Pyongyang Government Building" is a place
        return j < n and toks[j].raw in self.buildings and text[toks[j - 1].end:toks[j].start] == " "

    def _comma_place_end(self, text: str, at: int) -> int | None:
        """The end of ", <place>" closing a line at offset `at` (a known place name, nothing after it)."""
        m = _COMMA_PLACE.match(text, at)
        if not m:
            return None
        first = tokenize(m.group(1))[0]
        return m.end(1) if "place" in self._gazetteer_kind(first.norm) else None

    def _place_patterns(self, text: str, toks: list[Tok]) -> list[Candidate]:
        out = []
        for i, t in enumerate(toks):
            # "Pyongyang Government Building", "Great Hall of the People" style: capitalised words + a building word
            if t.raw in self.buildings and i > 0 and toks[i - 1].raw[:1].isupper() and \
                    text[toks[i - 1].end:t.start] == " " and toks[i - 1].norm not in self.not_names - {"government", "people's"}:
                k = i
                while k > 0 and toks[k - 1].raw[:1].isupper() and text[toks[k - 1].end:toks[k].start] == " " \
                        and toks[k - 1].norm not in self.org_left_stop and i - k < 4:
                    k -= 1
                if k < i:
                    out.append(Candidate(toks[k].start, t.end, "placeName", None, "low", False, 1))
            if t.raw in self.place_suffixes and i > 0 and self._is_name_token(toks[i - 1]) and \
                    text[toks[i - 1].end:t.start] == " ":
                out.append(Candidate(toks[i - 1].start, t.end, "placeName", None, "low", False, 1))
            if t.raw in self.place_kinds and i > 0 and self._is_name_token(toks[i - 1]) and \
                    text[toks[i - 1].end:t.start] == " ":
                out.append(Candidate(toks[i - 1].start, toks[i - 1].end, "placeName", None, "low", False, 1))
        return out


def _given_names() -> frozenset[str]:
    """Given names of many countries (gender-guesser's name dictionary), folded."""
    import gender_guesser.detector as gd
    return frozenset(fold(n) for n in gd.Detector(case_sensitive=False).names)


GIVEN_NAMES = _given_names()
GIVEN_NAME_MAX_ZIPF = 5.0
RARE_GIVEN_NAME_ZIPF = 4.0  # "Edgar", "Vasily": rare enough as words to vouch for any surname  # "John" and "Mark" are too common as words to start a name on their own
COMMON_WORD_ZIPF = 4.6     # Zipf frequency of "reference", "assistant"; names like "Schwab" are far below


@functools.lru_cache(maxsize=1 << 16)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


# Verbs of the clerk's lines ("Typed by X"): the words after "by" are a person's name.
_BY_VERBS = frozenset({"typed", "deciphered", "decoded", "ciphered", "encoded", "drafted", "dictated", "compiled",
                       "copied", "recorded", "translated", "interpreted", "prepared", "initialed", "initialled"})


# A list of three or more short capitalised items ("Kozlov, Kuusinen, Pospelov and Grishin"), each
# maybe with a parenthesis or a count ("Suslov (leader)", "Stalin (2)", "Molotov - 1").
_WORD = r"[A-Z][\w'’.]*(?:-[A-Za-z][\w'’.]*)*"
_NAME = rf"{_WORD}(?: {_WORD}){{0,2}}"
_AFTER = r"(?: ?\([^()\n]{1,20}\)| ?- ?\d{1,2})?"
_NAME_LIST = re.compile(rf"{_NAME}{_AFTER}(?:(?:, (?:and )?| and ){_NAME}{_AFTER}){{2,}}")
_LIST_ITEM = re.compile(rf"({_NAME}){_AFTER}")


def _possessive_any(text: str, toks: list[Tok], j: int) -> bool:
    """Token j is the "s" of any possessive: apostrophe before, space after."""
    return toks[j].raw == "s" and 0 < j < len(toks) - 1 and text[toks[j - 1].end:toks[j].start] in ("'", "’") \
        and text[toks[j].end:toks[j + 1].start] == " "


def _possessive_s(text: str, toks: list[Tok], j: int) -> bool:
    """Token j is the "s" of a possessive inside a name ("Worker’s Party", "People’s Army"): a group of people's
    possessive, not a person's ("Kim Il Sung's Party" is no party's name)."""
    return _possessive_any(text, toks, j) and toks[j - 1].norm in _GROUP_NOUNS


_GROUP_NOUNS = frozenset({"worker", "workers", "people", "peoples", "peasant", "peasants", "farmer", "farmers",
                          "women", "youth", "labour", "labor", "nation", "nations", "soldier", "soldiers"})


def _gap_ok(text: str, toks: list[Tok], j: int) -> bool:
    """Tokens j and j+1 are separated by a space, a period-space, or a bracket only."""
    if j + 1 >= len(toks):
        return True
    gap = text[toks[j].end:toks[j + 1].start]
    if gap in (" ", "] ", " [", "-", "] [", "[", "]"):
        return True
    return gap in (". ", ".", ". [", "]. ") and (len(toks[j].raw) <= 2 or toks[j].norm in TITLE_ABBREVIATIONS)


# Titles written with a period ("Cde. Suntsov", "Mrs. Kim", "Gen. Hodge"): the period ends the
# abbreviation, not a sentence, so the name after it still belongs to the title.
TITLE_ABBREVIATIONS = frozenset({"cde", "cdes", "com", "mrs", "dr", "prof", "gen", "col", "lt", "capt", "maj",
                                 "adm", "amb", "sgt", "messrs", "mme", "mlle", "gov", "sen", "rep", "hon"})


_CONNECTOR_WORDS = {"OF", "THE", "FOR", "ON", "IN", "AND", "DE", "DU", "DER", "DES"}


def _case(word: str) -> str:
    """An all-capitals word as it would be written in running text ("MINISTRY" -> "Ministry", "OF" -> "of");
    roman numerals stay as they are ("Division IV")."""
    if len(word) > 1 and word.isupper() and word.isalpha() and not re.fullmatch(r"[IVXLC]+", word):
        return word.lower() if word in _CONNECTOR_WORDS else word.title()
    return word


def _name_end(text: str, tok: Tok) -> int:
    """A name ending in an initial keeps its period ("Carlos A.")."""
    if len(tok.raw) == 1 and tok.end < len(text) and text[tok.end] == ".":
        return tok.end + 1
    return tok.end


_SYLLABLE = r"(?:zh|ch|sh|ts|kk|tt|pp|ss|jj|[bpmfdtnlgkhjqxrzcswy])?(?:[aeiou]{1,3})(?:ng|n|r|l|m|k|p|t)?"
_ROMANISED = re.compile(rf"(?:{_SYLLABLE}){{1,3}}")


def _pinyin(word: str) -> bool:
    """A plausible romanised Korean or Chinese given name: one to three syllables (Dexing, Kening)."""
    w = word.lower()
    return len(w) <= 9 and bool(_ROMANISED.fullmatch(w)) and \
        not re.search(r"(?:tion|ment|ship|ness|ing|ism|ist|ary|ic|al|ese|ian)$", w)


def _trim_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """Keep a completing bracket inside a name ("[Anastas] Mikoyan") but not a stray one."""
    if start > 0 and text[start - 1] == "[" and "]" in text[start:end]:
        start -= 1
    if end < len(text) and text[end] == "]" and "[" in text[start:end] and text[start:end].count("[") > text[start:end].count("]"):
        end += 1
    return start, end


def _trimmed(text: str, c: Candidate) -> Candidate:
    start, end = _trim_brackets(text, c.start, c.end)
    if c.tag == "placeName":
        m = _PLACE_KIND_AFTER.search(text, start, end)
        if m and m.start() > start:
            end = m.start()                              # "Fujian Province" -> Fujian: the kind word stays out
    return c if (start, end) == (c.start, c.end) else Candidate(start, end, c.tag, c.ref, c.cert, c.linked, c.strength)


def _continues_outside(text: str, c: Candidate) -> bool:
    """A pattern name inside a gloss whose surname follows the bracket: "[US President John F.] Kennedy"."""
    return not c.linked and c.tag == "persName" and bool(_BRACKET_THEN_NAME.match(text, c.end))


ABBR_DEFINITION = re.compile(r"(?P<name>(?:[A-Z][\w'’-]*\s+(?:(?:of|on|for|and|the|de)\s+)*){1,8}[A-Z][\w'’-]*)\s+\((?P<abbr>[A-Z]{2,8})\)")
ABBR_GLOSS = re.compile(r"\b(?P<abbr>[A-Z][A-Z.&]{1,7}) \[(?P<gloss>[^\[\]]{3,80})\]")
_SUFFIX = re.compile(r",? (?:Jr|Sr)\.|,? (?:Jr|Sr)\b|,? (?:II|III|IV)\b")


def _with_suffix(text: str, c: Candidate) -> Candidate:
    """'Thomas J. Coolidge, Jr.': a generational suffix belongs to the name."""
    if c.tag != "persName":
        return c
    if text[c.start:c.end].endswith((" Jr", " Sr")) and text[c.end:c.end + 1] == ".":
        return Candidate(c.start, c.end + 1, c.tag, c.ref, c.cert, c.linked, c.strength)
    m = _SUFFIX.match(text, c.end)
    if not m and "." not in text[c.start:c.end]:
        m = _TRAILING_INITIALS.match(text, c.end)            # "Cde. Ivanov V.I." (Russian order)
    if not m:
        return c
    return Candidate(c.start, m.end(), c.tag, c.ref, c.cert, c.linked, c.strength)


_TRAILING_INITIALS = re.compile(r" (?:[A-Z]\.){1,3}(?=[\s,;:)]|$)")


def _outside_brackets(text: str, c: Candidate) -> Candidate:
    """A name must not cross a bracket: "[… official Carlos A.] Bernardes" -> "Bernardes"
    (the link found through the full form is kept)."""
    seg = text[c.start:c.end]
    start, end = c.start, c.end
    close = seg.find("]")
    if close != -1 and "[" not in seg[:close]:
        start = c.start + close + 1
        while start < end and text[start] == " ":
            start += 1
    seg = text[start:end]
    opening = seg.rfind("[")
    if opening != -1 and "]" not in seg[opening:]:
        end = start + opening
        while end > start and text[end - 1] == " ":
            end -= 1
    if (start, end) == (c.start, c.end):
        return c
    return Candidate(start, end, c.tag, c.ref, c.cert, c.linked, c.strength)


def _extend_gloss(text: str, c: Candidate, tagger: EntityTagger) -> Candidate:
    """A bracket or parenthesis right after a name that respells or identifies the same
    entity belongs to it: 'Filippov [Stalin]', 'Ri Song-un [Ri Song Un]', 'Incheon (Chemulpo)'."""
    m = _GLOSS_AFTER.match(text, c.end)                # matched in place: no slice of the rest of the text
    if not m:
        return c
    inner = m.group(1).strip()
    last_word = (text[c.start:c.end].split() or [""])[-1]      # (a candidate trimmed empty is dropped later)
    if c.tag == "orgName" and m.group(0).lstrip().startswith("[") and (
            re.match(r"of (?:the )?[A-Z]", inner) or _initials_of(last_word, inner)):
        # an organisation completed or spelled out in brackets: "the CC [Central Committee]",
        # "International Liaisons Office [of the Polish United Workers’ Party]"
        return Candidate(c.start, m.end(), c.tag, c.ref, c.cert, c.linked, c.strength)
    toks = tokenize(inner)
    if not toks or not all(w[:1].isupper() for w in inner.split()) or len(toks) > 5 or len(inner) < 3:
        return c
    if inner.lower() in FEATURE_WORDS or DESCRIPTION_START.match(inner):
        return c                                       # "[Signature]" is not another name
    kind = {"persName": "person", "placeName": "place", "orgName": "org"}[c.tag]
    whole = [x for x in tagger.gaz.matches(toks) if x[0] == 0 and x[1] == len(toks)]
    if whole:
        form = whole[0][2]
        if form.kind != kind:
            return c
        entry = tagger.register.by_id[form.entries[0]] if len(form.entries) == 1 else None
        if c.ref is None and entry is not None:
            if kind != "person" or form.type == "abbr":
                # "Council on Classification Policy (CCP)" defines an abbreviation; that the register
                # knows another CCP says nothing about this body: one mention, no link
                return Candidate(c.start, m.end(), c.tag, None, c.cert or "low", False, c.strength)
            # a cover name with the real person in brackets: "Filippov [Stalin]"
            return Candidate(c.start, m.end(), c.tag, tagger._ref(entry), None, True, max(c.strength, 3))
        if c.ref is not None and entry is not None and tagger._ref(entry) != c.ref:
            return c                                   # a different entity: not a gloss of this one
        return Candidate(c.start, m.end(), c.tag, c.ref, c.cert, c.linked, c.strength)
    # an unknown respelling in the translator's square brackets: "Guseong [Kusong]"
    if m.group(0).lstrip().startswith("[") and kind in ("person", "place") and len(toks) <= 3 and \
            (all(t.norm not in tagger.not_names and not tagger._common_word(t) for t in toks) or
             _same_first_word(text[c.start:c.end], toks)):
        return Candidate(c.start, m.end(), c.tag, c.ref, c.cert, c.linked, c.strength)
    return c


def _alone_on_its_line(text: str, start: int, end: int) -> bool:
    """Nothing but blanks between the line's ends and text[start:end] (found without slicing the text)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return not text[line_start:start].strip() and not text[end:line_end if line_end != -1 else len(text)].strip()


def _initials_of(abbr: str, words: str) -> bool:
    """'CC' and 'Central Committee', 'KWP' and 'Korean Workers' Party': an abbreviation spelled out."""
    initials = "".join(w[0] for w in words.split() if w[:1].isupper())
    return 2 <= len(abbr) <= 6 and abbr.isupper() and abbr.isalpha() and initials == abbr


def _same_first_word(name: str, gloss: list[Tok]) -> bool:
    """'Ri Man-seok [Ri Man Sok]': a gloss that starts with the name's own surname respells it (its
    other syllables may be English words: "Man")."""
    first = tokenize(name)
    return bool(first) and first[0].norm == gloss[0].norm and len(first[0].raw) > 1


def _plausible(e: Entry, year: int) -> bool:
    """Could the document name this person? Not before their childhood; after their death, yes
    (documents speak of the dead)."""
    born = _year(e.born)
    return born is None or year >= born + 12


def _within(year: int, span: tuple[str | None, str | None]) -> bool:
    lo, hi = _year(span[0]), _year(span[1])
    return (lo is None or lo <= year) and (hi is None or year <= hi)
