"""Matching a partner's persons, places and organisations to the edition's register.

Order of evidence (docs/import.md):
1. authority ids (Wikidata, VIAF, GND, GeoNames, LCNAF, ISNI), normalised from any URI form;
   one shared id is a certain match, a different id of the same authority rules a candidate out;
2. names and variants, normalised (case, diacritics, punctuation, "Surname, Forename"),
   each candidate with a confidence; only an unambiguous full-name match is certain.
A wrong merge is worse than none: anything short of certain goes to review, never into a link.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..fileio import atomic_write
from ..register import KINDS, NS, TEI_NS, XML_ID, Entry, Register, safe_parser, slug

T = f"{{{TEI_NS}}}"
AUTHORITIES = ("wikidata", "viaf", "gnd", "geonames", "lcnaf", "isni")
CERTAIN = 0.9
DOUBTFUL = 0.6
LIST_KIND = {"listPerson": "person", "listPlace": "place", "listOrg": "org"}
ENTRY_KIND = {"person": "person", "place": "place", "org": "org", "personGrp": "person"}
NAME_KIND = {"persName": "person", "placeName": "place", "orgName": "org"}

_URI_RULES = [
    ("wikidata", re.compile(r"wikidata\.org/(?:entity|wiki)/(?:Special:EntityPage/)?(Q\d+)", re.I)),
    ("viaf", re.compile(r"viaf\.org/viaf/(\d+)", re.I)),
    ("gnd", re.compile(r"d-nb\.info/gnd/([0-9X-]+)", re.I)),
    ("gnd", re.compile(r"lobid\.org/gnd/([0-9X-]+)", re.I)),
    ("geonames", re.compile(r"geonames\.org/(\d+)", re.I)),
    ("lcnaf", re.compile(r"id\.loc\.gov/authorities/names/([a-z]+\d+)", re.I)),
    ("isni", re.compile(r"isni\.org/(?:isni/)?([0-9X ]{16,19})", re.I)),
]
_TYPE_ALIASES = {"wikidata": "wikidata", "wd": "wikidata", "viaf": "viaf", "gnd": "gnd", "d-nb": "gnd", "dnb": "gnd",
                 "pnd": "gnd", "geonames": "geonames", "lc": "lcnaf", "lcnaf": "lcnaf", "loc": "lcnaf", "isni": "isni"}


def normalise_authority(value: str, type_hint: str | None = None) -> tuple[str, str] | None:
    """("wikidata", "Q123") from "Q123", "http://www.wikidata.org/entity/Q123", "https://d-nb.info/gnd/118…" …"""
    v = (value or "").strip()
    if not v:
        return None
    for auth, rx in _URI_RULES:
        m = rx.search(v)
        if m:
            ident = m.group(1).replace(" ", "")
            return auth, ident.upper() if auth in ("wikidata", "isni") else ident
    auth = _TYPE_ALIASES.get((type_hint or "").strip().lower())
    if auth is None:
        if re.fullmatch(r"Q\d+", v):
            return "wikidata", v
        return None
    if "://" in v:
        return None          # a URI of a service we do not know, with a misleading type
    if auth == "wikidata" and not re.fullmatch(r"[Qq]\d+", v):
        return None
    if auth in ("viaf", "geonames") and not v.isdigit():
        return None
    return auth, v.upper() if auth in ("wikidata", "isni") else v


def authority_of_element(idno) -> tuple[str, str] | None:
    for hint in (idno.get("subtype"), idno.get("type")):
        r = normalise_authority(idno.text or "", hint)
        if r:
            return r
    return None


# ---------------------------------------------------------------- names

def norm_name(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("ß", "ss").casefold()
    text = re.sub(r"\([^)]*\)", " ", text)           # "Escher (vom Glas) Alfred" -> "escher alfred"
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def name_forms(text: str) -> set[str]:
    """Normalised forms of one written name: as is, and "Surname, Forename" turned round."""
    forms = {norm_name(text)}
    if "," in text:
        head, _, rest = text.partition(",")
        forms.add(norm_name(f"{rest} {head}"))
    return {f for f in forms if f}


def _drop_initials(form: str) -> str:
    return " ".join(t for t in form.split() if len(t) > 1)


@dataclass
class PartnerEntity:
    """One entity of the partner's: from a list entry, a --register-from file or references alone."""
    source_id: str            # their xml:id (or key)
    kind: str                 # person | place | org
    names: list[str] = field(default_factory=list)
    authority: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    born: str | None = None
    died: str | None = None
    description: str | None = None
    origin: str = ""          # file it was read from

    @property
    def preferred(self) -> str:
        return self.names[0] if self.names else self.source_id


@dataclass
class Candidate:
    id: str
    name: str
    confidence: float
    why: str


@dataclass
class Match:
    entity: PartnerEntity
    status: str               # certain | doubtful | new | conflict
    target: str | None = None  # register id when certain
    confidence: float = 0.0
    why: str = ""
    candidates: list[Candidate] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"source_id": self.entity.source_id, "kind": self.entity.kind, "name": self.entity.preferred,
                "authority": {k: sorted(v) for k, v in self.entity.authority.items() if v},
                "status": self.status, "target": self.target, "confidence": round(self.confidence, 2),
                "why": self.why, "candidates": [c.__dict__ for c in self.candidates], "conflicts": self.conflicts}


# ---------------------------------------------------------------- reading the partner's entities

def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _entry_names(el, name_tag: str) -> list[str]:
    out = []
    for n in el.findall(T + name_tag):   # direct children: a birth place is not a name of the person
        forename = " ".join(_text(f) for f in n.findall(T + "forename"))
        surname = " ".join(_text(s) for s in n.findall(T + "surname"))
        if forename or surname:
            out.append(" ".join(x for x in (forename, surname) if x))
            if forename and surname:
                out.append(f"{surname}, {forename}")
        else:
            t = _text(n)
            if t:
                out.append(t)
    seen, uniq = set(), []
    for n in out:
        if n not in seen:
            seen.add(n)
            uniq.append(n)
    return uniq


def entities_from_tree(root, origin: str) -> dict[str, PartnerEntity]:
    """Entries of listPerson/listPlace/listOrg (anywhere), and name elements with an xml:id that define
    an entity in a list of the partner's own (FRUS: <persName xml:id="p_AD1">Acheson, Dean</persName>)."""
    found: dict[str, PartnerEntity] = {}
    for el in root.iter(T + "person", T + "place", T + "org", T + "personGrp"):
        parent = el.getparent()
        if parent is None or etree.QName(parent).localname not in LIST_KIND:
            continue
        ident = el.get(XML_ID)
        if not ident:
            continue
        kind = ENTRY_KIND[etree.QName(el).localname]
        name_tag = KINDS[kind][3]
        ent = PartnerEntity(ident, kind, _entry_names(el, name_tag), origin=origin)
        for idno in el.findall(T + "idno"):
            r = authority_of_element(idno)
            if r:
                ent.authority[r[0]].add(r[1])
        b, d = el.find(T + "birth"), el.find(T + "death")
        for node, attr in ((b, "born"), (d, "died")):
            if node is not None:
                when = node.get("when") or (node.find(T + "date").get("when") if node.find(T + "date") is not None else None)
                setattr(ent, attr, when)
        note = el.find(T + "note")
        if note is not None and _text(note):
            ent.description = _text(note)[:300]
        found[ident] = ent
    for el in root.iter(T + "persName", T + "placeName", T + "orgName"):
        ident = el.get(XML_ID)
        if not ident or ident in found:
            continue
        parent = el.getparent()
        if parent is not None and etree.QName(parent).localname in ("person", "place", "org"):
            continue
        t = _text(el).rstrip(",;: ")
        if t:
            names = [t]
            if t.count(",") == 1:         # "Dillon, C. Douglas" -> preferred "C. Douglas Dillon"
                head, _, rest = t.partition(",")
                names = [f"{rest.strip()} {head.strip()}", t]
            ent = PartnerEntity(ident, NAME_KIND[etree.QName(el).localname], names, origin=origin)
            item = next((a for a in el.iterancestors(T + "item")), None)
            if item is not None:
                ent.description = _text(item)[:300]
            found[ident] = ent
    return found


def read_register_file(path: Path) -> dict[str, PartnerEntity]:
    from ..validation import parse_untrusted
    tree = parse_untrusted(path)
    return entities_from_tree(tree.getroot(), path.name)


# ---------------------------------------------------------------- our register, indexed

class RegisterIndex:
    def __init__(self, register: Register, raw: dict[str, dict[str, set[str]]] | None = None):
        """`raw`: every idno of each entry (Register.load keeps one per type; conflicts need them all)."""
        self.register = register
        self.by_auth: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_form: dict[tuple[str, str], set[str]] = defaultdict(set)      # (kind, form) -> ids
        self.weak_form: dict[tuple[str, str], set[str]] = defaultdict(set)   # surname / abbr forms
        self.by_token: dict[tuple[str, str], set[str]] = defaultdict(set)    # parts of multi-word names
        self.auth_of: dict[str, dict[str, set[str]]] = {}
        for e in register.entries:
            self.add(e, (raw or {}).get(e.id))

    def add(self, e: Entry, extra_auth: dict[str, set[str]] | None = None) -> None:
        auth: dict[str, set[str]] = defaultdict(set)
        for t, v in e.authority.items():
            r = normalise_authority(v, t)
            if r:
                auth[r[0]].add(r[1])
        for t, vs in (extra_auth or {}).items():
            for v in vs:
                r = normalise_authority(v, t)
                if r:
                    auth[r[0]].add(r[1])
        self.auth_of[e.id] = auth
        for t, vs in auth.items():
            for v in vs:
                if e.id not in self.by_auth[(t, v)]:
                    self.by_auth[(t, v)].append(e.id)
        for n in e.names:
            target = self.weak_form if n.type in ("surname", "abbr") else self.by_form
            for f in name_forms(n.text):
                target[(e.kind, f)].add(e.id)
                if len(f.split()) > 1:
                    for tok in f.split():
                        if len(tok) > 2:
                            self.by_token[(e.kind, tok)].add(e.id)

    def conflicts(self) -> list[str]:
        """Problems inside our own register: one id on two entries, two ids of one authority on one entry."""
        out = []
        for (t, v), ids in sorted(self.by_auth.items()):
            if len(ids) > 1:
                out.append(f"{t} {v} is on {len(ids)} entries of the register: {', '.join(ids)}")
        for eid, auth in sorted(self.auth_of.items()):
            for t, vs in sorted(auth.items()):
                if len(vs) > 1:
                    out.append(f"{eid} has {len(vs)} different {t} ids: {', '.join(sorted(vs))}")
        return out


def _year(d: str | None) -> str | None:
    m = re.match(r"-?\d{4}", d or "")
    return m.group(0) if m else None


def match_entity(ent: PartnerEntity, index: RegisterIndex) -> Match:
    reg = index.register
    conflicts: list[str] = []
    # 1. authority ids
    auth_hits: dict[str, set[str]] = defaultdict(set)   # our id -> authorities that agree
    for t, vs in ent.authority.items():
        for v in vs:
            for our in index.by_auth.get((t, v), []):
                if reg.by_id[our].kind == ent.kind:
                    auth_hits[our].add(t)
    ruled_out: dict[str, str] = {}
    for our_id, our_auth in index.auth_of.items():
        for t, vs in ent.authority.items():
            if vs and our_auth.get(t) and not (vs & our_auth[t]):
                ruled_out[our_id] = f"different {t} ids ({', '.join(sorted(vs))} / {', '.join(sorted(our_auth[t]))})"
    if auth_hits:
        ok = {i: ts for i, ts in auth_hits.items() if i not in ruled_out}
        for i in auth_hits:
            if i in ruled_out:
                conflicts.append(f"{i}: shares {', '.join(sorted(auth_hits[i]))} but has {ruled_out[i]}")
        if len(ok) == 1 and not conflicts:
            (our_id, ts), = ok.items()
            ours = {t for n in reg.by_id[our_id].names for f in name_forms(n.text) for t in f.split()}
            theirs = {t for n in ent.names for f in name_forms(n) for t in f.split()}
            if theirs and ours and not (theirs & ours):
                return Match(ent, "conflict", None, 0.0, "same id but no name in common",
                             [Candidate(our_id, reg.by_id[our_id].preferred, 0.5, f"same {', '.join(sorted(ts))} id")],
                             [f"{our_id}: shares the {', '.join(sorted(ts))} id, but no name in common: check the id"])
            return Match(ent, "certain", our_id, 1.0, f"same {', '.join(sorted(ts))} id")
        if len(auth_hits) > 1:
            conflicts.append("the partner's ids point to several entries: " + ", ".join(sorted(auth_hits)))
        cands = [Candidate(i, reg.by_id[i].preferred, 0.8, f"same {', '.join(sorted(ts))} id") for i, ts in sorted(auth_hits.items())]
        return Match(ent, "conflict", None, 0.0, "authority ids disagree", cands, conflicts)
    # 2. names
    scores: dict[str, tuple[float, str]] = {}

    def hit(our_id: str, score: float, why: str):
        if our_id in ruled_out or reg.by_id[our_id].kind != ent.kind:
            return
        if ent.kind == "person":
            e = reg.by_id[our_id]
            for mine, theirs in ((e.born, ent.born), (e.died, ent.died)):
                if _year(mine) and _year(theirs) and _year(mine) != _year(theirs):
                    return
        if score > scores.get(our_id, (0, ""))[0]:
            scores[our_id] = (score, why)

    for name in ent.names:
        for form in name_forms(name):
            multi = len(form.split()) > 1 or ent.kind != "person"
            for i in index.by_form.get((ent.kind, form), ()):
                hit(i, 0.95 if multi else 0.7, f'name "{name}"')
            for i in index.weak_form.get((ent.kind, form), ()):
                hit(i, 0.65, f'short form "{name}"')
            short = _drop_initials(form)
            if short != form and len(short.split()) > 1:
                for i in index.by_form.get((ent.kind, short), ()):
                    hit(i, 0.8, f'name "{name}" without initials')
            toks = form.split()
            if len(toks) == 1 and ent.kind == "person":
                for i in index.by_token.get((ent.kind, toks[0]), ()):
                    hit(i, 0.6, f'"{name}" is one part of the name')
            if len(toks) > 1:
                key = " ".join(sorted(toks))
                for (k, f), ids in index.by_form.items():
                    if k == ent.kind and len(f) == len(form) and " ".join(sorted(f.split())) == key and f != form:
                        for i in ids:
                            hit(i, 0.9, f'name "{name}" in another order')
    if not scores:
        forms = {f for nm in ent.names for f in name_forms(nm)}
        clash = [i for i in ruled_out if reg.by_id[i].kind == ent.kind
                 and any(f in forms for n in reg.by_id[i].names for f in name_forms(n.text))]
        if clash:
            return Match(ent, "conflict", None, 0.0, "same name, different authority ids",
                         [Candidate(i, reg.by_id[i].preferred, 0.0, ruled_out[i]) for i in clash],
                         [f"{i}: same name but {ruled_out[i]}" for i in clash])
        return Match(ent, "new", None, 0.0, "no entry of the register shares an authority id or a name")
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[0]))
    cands = [Candidate(i, reg.by_id[i].preferred, round(s, 2), w) for i, (s, w) in ranked[:5]]
    best, (score, why) = ranked[0]
    tie = len(ranked) > 1 and ranked[1][1][0] >= score - 0.05
    if score >= CERTAIN and not tie:
        return Match(ent, "certain", best, score, why, cands)
    if score >= DOUBTFUL:
        return Match(ent, "doubtful", None, score, "ambiguous" if tie else "name match not certain", cands)
    return Match(ent, "new", None, 0.0, "only weak name matches", cands)


# ---------------------------------------------------------------- writing to the register

class RegisterWriter:
    """Adds imported entries and enriches matched ones; writes each register file once, atomically."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.register = Register.load(self.folder)
        self.trees: dict[str, etree._ElementTree] = {}
        raw: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for kind, (_f, _l, entry_tag, _n) in KINDS.items():
            for el in self._tree(kind).getroot().iter(T + entry_tag):
                for idno in el.findall(T + "idno"):
                    if idno.get("type") in AUTHORITIES and (idno.text or "").strip():
                        raw[el.get(XML_ID)][idno.get("type")].add(idno.text.strip())
        self.index = RegisterIndex(self.register, raw)
        self.dirty: set[str] = set()
        self.by_source: dict[str, str] = {}   # "origin#id" -> our id (already imported)
        self.conflicts: list[str] = []        # partner ids that sit on another of our entries
        for kind, (fname, *_rest) in KINDS.items():
            tree = self._tree(kind)
            for idno in tree.getroot().iter(T + "idno"):
                if idno.get("type") == "source" and idno.getparent().get(XML_ID):
                    self.by_source[(idno.text or "").strip()] = idno.getparent().get(XML_ID)

    def _tree(self, kind: str):
        fname, list_tag, _e, _n = KINDS[kind]
        if fname not in self.trees:
            path = self.folder / fname
            if path.exists():
                self.trees[fname] = etree.parse(str(path), safe_parser())
            else:
                from ..register import _new_register
                self.trees[fname] = etree.ElementTree(_new_register(kind))
        return self.trees[fname]

    def _element(self, ident: str):
        e = self.register.by_id.get(ident)
        if e is None:
            return None
        tree = self._tree(e.kind)
        for el in tree.getroot().iter(T + KINDS[e.kind][2]):
            if el.get(XML_ID) == ident:
                return el
        return None

    def source_key(self, ent: PartnerEntity) -> str:
        return f"{ent.origin}#{ent.source_id}"

    def add(self, ent: PartnerEntity) -> str:
        """A new entry marked imported: idno type="source", a status note when it has no authority id."""
        key = self.source_key(ent)
        if key in self.by_source:
            return self.by_source[key]
        fname, list_tag, entry_tag, name_tag = KINDS[ent.kind]
        tree = self._tree(ent.kind)
        lst = tree.getroot().find(f".//t:{list_tag}", NS)
        base = slug(ent.preferred)
        if not re.match(r"[a-z]", base):
            base = f"{ent.kind}-{base}"
        ident, n = base, 2
        while ident in self.register.by_id:
            ident, n = f"{base}-{n}", n + 1
        el = etree.SubElement(lst, T + entry_tag)
        el.set(XML_ID, ident)
        el.tail = "\n    "
        names = [ent.preferred] + [x for x in ent.names[1:] if x != ent.preferred]
        for i, nm in enumerate(names):
            etree.SubElement(el, T + name_tag, type="preferred" if i == 0 else "variant").text = nm
        for t in AUTHORITIES:
            for v in sorted(ent.authority.get(t, ())):
                etree.SubElement(el, T + "idno", type=t).text = v
        etree.SubElement(el, T + "idno", type="source").text = key
        if ent.description:
            etree.SubElement(el, T + "note", type="description").text = ent.description
        etree.SubElement(el, T + "note", type="imported").text = (
            f"Imported from {ent.origin} (their id {ent.source_id}); check it and merge by hand if it duplicates an entry.")
        if not any(ent.authority.get(t) for t in AUTHORITIES):
            etree.SubElement(el, T + "note", type="status").text = "provisional"
        self.dirty.add(fname)
        from ..register import _entry
        entry = _entry(el, ent.kind, fname, name_tag)
        self.register.entries.append(entry)
        self.register.by_id[ident] = entry
        self.index.add(entry)
        self.by_source[key] = ident
        return ident

    def enrich(self, our_id: str, ent: PartnerEntity) -> list[str]:
        """After a certain match: add the partner's new name forms, authority ids we lack and the source id."""
        el = self._element(our_id)
        if el is None:
            return []
        done = []
        entry = self.register.by_id[our_id]
        name_tag = KINDS[entry.kind][3]
        have = {norm_name(n.text) for n in entry.names}
        new_names = [n for n in ent.names if norm_name(n) not in have and "," not in n]
        last_name = el.findall(T + name_tag)
        anchor = last_name[-1] if last_name else None
        for nm in new_names:
            node = etree.Element(T + name_tag, type="variant")
            node.text = nm
            if anchor is not None:
                anchor.addnext(node)
            else:
                el.insert(0, node)
            anchor = node
            have.add(norm_name(nm))
            done.append(f'variant "{nm}"')
        ours = self.index.auth_of.get(our_id, {})
        for t in AUTHORITIES:
            for v in sorted(ent.authority.get(t, ())):
                if ours.get(t):
                    continue          # never a second id of one authority
                if self.index.by_auth.get((t, v)):
                    others = [i for i in self.index.by_auth[(t, v)] if i != our_id]
                    self.conflicts.append(f"{t} {v} of {self.source_key(ent)} (matched to {our_id}) is on "
                                          f"{', '.join(others)} already: one authority id on two entries")
                    continue
                self._insert_idno(el, t, v)
                done.append(f"{t} {v}")
        key = self.source_key(ent)
        if key not in self.by_source:
            self._insert_idno(el, "source", key)
            self.by_source[key] = our_id
            done.append(f"source {key}")
        if done:
            self.dirty.add(entry.file)
        return done

    def _insert_idno(self, el, t: str, v: str) -> None:
        node = etree.Element(T + "idno", type=t)
        node.text = v
        idnos = el.findall(T + "idno")
        if idnos:
            idnos[-1].addnext(node)
        else:
            names = [c for c in el if c.tag in (T + "persName", T + "placeName", T + "orgName", T + "location")]
            if names:
                names[-1].addnext(node)
            else:
                el.insert(0, node)
        if t in AUTHORITIES:
            for st in el.findall(T + "note"):
                if st.get("type") == "status" and (st.text or "").strip() == "provisional":
                    el.remove(st)

    def save(self) -> list[Path]:
        written = []
        for fname in sorted(self.dirty):
            tree = self.trees[fname]
            etree.indent(tree.getroot(), space="  ")
            path = self.folder / fname
            atomic_write(path, etree.tostring(tree, xml_declaration=True, encoding="UTF-8") + b"\n")
            written.append(path)
        self.dirty.clear()
        return written
