"""The edition in memory: TEI documents and the register, read once, safely.

Everything the exchange formats (DTS, OAI-PMH, CMIF, register exports,
teiCorpus, BagIt) need is read here from ``tei/*.xml`` and
``tei/register/{persons,places,orgs}.xml`` with a hardened parser and kept as
plain data, so the server answers from memory and never touches a shared lxml
tree while serving.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS}
T = "{%s}" % TEI_NS
XML_ID = "{%s}id" % XML_NS
XML_LANG = "{%s}lang" % XML_NS

REGISTER_FILES = {"person": "persons.xml", "place": "places.xml", "org": "orgs.xml"}
AUTHORITY_TYPES = ("wikidata", "viaf", "gnd", "geonames")
AUTHORITY_URI = {
    "wikidata": "http://www.wikidata.org/entity/{}",
    "viaf": "http://viaf.org/viaf/{}",
    "gnd": "http://d-nb.info/gnd/{}",
    "geonames": "http://www.geonames.org/{}",
}


class EditionError(Exception):
    """A file of the edition cannot be read; the message names it and says why."""


def hardened_parser() -> etree.XMLParser:
    """No entity expansion, no DTD, no network: safe for files edited by anyone."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_blank_text=False)


def parse_file(path: Path) -> etree._ElementTree:
    try:
        return etree.parse(str(path), hardened_parser())
    except (etree.XMLSyntaxError, OSError) as exc:
        raise EditionError(f"{path}: cannot read it as XML ({exc}); fix the file or move it out of the edition") from exc


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def text_of(el) -> str:
    return norm("".join(el.itertext())) if el is not None else ""


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return s or "unknown"


def authority_uri(kind: str, value: str) -> str:
    value = value.strip()
    if value.startswith("http://") or value.startswith("https://"):
        return value
    return AUTHORITY_URI[kind].format(value)


# --------------------------------------------------------------------------- register

@dataclass
class RegisterEntry:
    id: str
    kind: str  # person | place | org
    preferred: str
    names: list[tuple[str, str]] = field(default_factory=list)  # (type, name) incl. preferred
    authority: dict[str, str] = field(default_factory=dict)  # type -> raw id
    description: str = ""
    provisional: bool = False
    file: str = ""

    @property
    def variants(self) -> list[str]:
        seen, out = {self.preferred}, []
        for _, n in self.names:
            if n not in seen:
                seen.add(n)
                out.append(n)
        return out

    @property
    def authority_uris(self) -> list[str]:
        return [authority_uri(k, self.authority[k]) for k in AUTHORITY_TYPES if k in self.authority]

    def best_uri(self) -> str | None:
        order = ("geonames", "wikidata", "viaf", "gnd") if self.kind == "place" else ("viaf", "gnd", "wikidata", "geonames")
        for k in order:
            if k in self.authority:
                return authority_uri(k, self.authority[k])
        return None


def _entry_from(e) -> RegisterEntry:
    """A register entry as the exchange formats need it, from :mod:`tei_encoder.register`."""
    names = [(n.type, n.text) for n in e.names]
    authority = {k: norm(v) for k, v in e.authority.items() if k in AUTHORITY_TYPES and norm(v)}
    return RegisterEntry(e.id, e.kind, e.preferred, names, authority, e.description or "", e.provisional, e.file)


@dataclass
class Register:
    directory: Path | None
    entries: dict[str, RegisterEntry] = field(default_factory=dict)  # xml:id -> entry
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes as read

    @classmethod
    def load(cls, directory: Path | None) -> "Register":
        reg = cls(directory)
        if directory is None or not directory.is_dir():
            return reg
        from ..errors import InputError
        from ..register import Register as CoreRegister
        for fname in REGISTER_FILES.values():
            if (directory / fname).is_file():
                reg.files[fname] = (directory / fname).read_bytes()
        try:
            core = CoreRegister.load(directory)
        except InputError as exc:
            raise EditionError(f"{exc}; fix the file or move it out of the edition") from None
        for e in core.entries:
            reg.entries[e.id] = _entry_from(e)
        return reg

    def by_kind(self, kind: str) -> list[RegisterEntry]:
        return [e for e in self.entries.values() if e.kind == kind]

    def resolve(self, ref: str | None) -> RegisterEntry | None:
        """``register/persons.xml#kim-il-sung`` (or ``#kim-il-sung``) -> its entry."""
        if not ref:
            return None
        for token in ref.split():
            frag = token.rsplit("#", 1)[-1]
            if frag in self.entries:
                return self.entries[frag]
        return None


# --------------------------------------------------------------------------- documents

@dataclass
class CitableUnit:
    identifier: str
    level: int
    parent: str | None
    cite_type: str
    xml: str  # the element serialised (namespace declared), for passages
    title: str = ""
    last_desc: int = 0  # index of its last descendant in the document's unit list


@dataclass
class Party:
    role: str  # persName | orgName | placeName | name | date
    text: str
    ref: str | None
    attrs: dict


@dataclass
class CorrespAction:
    type: str
    parties: list[Party]


@dataclass
class Document:
    name: str  # file stem, the edition's identifier
    path: Path
    data: bytes
    xml_id: str
    title: str
    abstract: str
    date: str  # creation/date/@when or ""
    archive: str
    idnos: list[tuple[str, str]]  # msIdentifier idno (type, value)
    pub_idnos: list[tuple[str, str]]
    citation: str
    languages: list[str]
    text_lang: str
    rights: str
    contributors: list[tuple[str, str]]  # (resp, name)
    correspondence: list[CorrespAction]
    datestamp: str  # UTC, YYYY-MM-DDThh:mm:ssZ: the record's last change
    header_xml: str
    cite_structure: list[dict]  # DTS citeStructure
    units: list[CitableUnit]
    unit_index: dict[str, int]

    @property
    def year(self) -> str:
        return self.date[:4] if re.match(r"^\d{4}", self.date) else "undated"

    @property
    def decade(self) -> str:
        return self.year[:3] + "0s" if self.year != "undated" else "undated"


def _ns_xpath(expr: str) -> str:
    """Put the TEI prefix on the unprefixed element names of a citeStructure/@match."""
    def fix(m):
        pre, name = m.group(1), m.group(2)
        return f"{pre}tei:{name}"
    # element name tests: after start, '/', '[', '(' or '|' and not followed by '(' or ':'
    return re.sub(r"(^|[/\[(|]\s*)(?!tei:)([A-Za-z_][\w.-]*)(?![\w.-]*\s*[(:])", fix, expr)


def _collect_units(root, cs_el, parent_node, parent_id: str | None, level: int, out: list, ctx_root) -> None:
    match = cs_el.get("match") or "*"
    use = cs_el.get("use") or "@n"
    delim = cs_el.get("delim") or ""
    unit = cs_el.get("unit") or f"level{level}"
    xp = _ns_xpath(match)
    try:
        if xp.startswith("/"):
            nodes = ctx_root.xpath(xp, namespaces=NS)
        else:
            nodes = parent_node.xpath(xp, namespaces=NS)
    except etree.XPathError:
        return
    children = cs_el.findall(f"{T}citeStructure")
    for node in nodes:
        if not isinstance(node.tag, str):
            continue
        val = node.xpath(f"string({_ns_xpath(use) if not use.startswith('@') else use})", namespaces=NS)
        val = norm(val)
        if not val:
            continue
        ident = f"{parent_id}{delim}{val}" if parent_id is not None else val
        title = ""
        head = node.find(f"{T}head")
        if head is not None:
            title = text_of(head)
        u = CitableUnit(ident, level, parent_id, unit, etree.tostring(node, encoding="unicode", with_tail=False), title)
        out.append(u)
        for child in children:
            _collect_units(root, child, node, ident, level + 1, out, ctx_root)
        u.last_desc = len(out) - 1


def _cite_structure_json(cs_el) -> dict:
    d = {"@type": "CiteStructure", "citeType": cs_el.get("unit") or "unit"}
    kids = [_cite_structure_json(c) for c in cs_el.findall(f"{T}citeStructure")]
    if kids:
        d["citeStructure"] = kids
    return d


def _datestamp(tree, path: Path) -> str:
    whens = [w for w in tree.xpath("/tei:TEI/tei:teiHeader/tei:revisionDesc//tei:change/@when", namespaces=NS)
             if re.match(r"^\d{4}-\d{2}-\d{2}", w)]
    if whens:
        w = max(whens)
        if "T" in w:
            try:
                t = _dt.datetime.fromisoformat(w.replace("Z", "+00:00"))
                if t.tzinfo is None:
                    t = t.replace(tzinfo=_dt.timezone.utc)
                return t.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            except ValueError:
                pass
        return w[:10] + "T00:00:00Z"
    mtime = path.stat().st_mtime
    return _dt.datetime.fromtimestamp(int(mtime), _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_document(path: Path) -> Document:
    data = path.read_bytes()
    tree = parse_file(path)
    root = tree.getroot()
    if root.tag != f"{T}TEI":
        raise EditionError(f"{path}: the root element is {root.tag}, not TEI in the TEI namespace")
    h = root.find(f"{T}teiHeader")
    if h is None:
        raise EditionError(f"{path}: no teiHeader")

    def x(expr):
        return h.xpath(expr, namespaces=NS)

    def first_text(expr):
        r = x(expr)
        return text_of(r[0]) if r else ""

    title = first_text("tei:fileDesc/tei:titleStmt/tei:title[@type='main']") or first_text(
        "tei:fileDesc/tei:titleStmt/tei:title") or path.stem
    abstract = " ".join(text_of(p) for p in x("tei:profileDesc/tei:abstract/tei:p")) or first_text("tei:profileDesc/tei:abstract")
    dates = x("tei:profileDesc/tei:creation/tei:date")
    date = ""
    if dates:
        d = dates[0]
        date = d.get("when") or d.get("from") or d.get("notBefore") or ""
    archive = first_text("tei:fileDesc/tei:sourceDesc/tei:msDesc/tei:msIdentifier/tei:repository")
    idnos = [(i.get("type") or "", text_of(i)) for i in x("tei:fileDesc/tei:sourceDesc/tei:msDesc/tei:msIdentifier/tei:idno")]
    pub_idnos = [(i.get("type") or "", text_of(i)) for i in x("tei:fileDesc/tei:publicationStmt/tei:idno")]
    citation = first_text("tei:fileDesc/tei:sourceDesc/tei:bibl")
    languages = [l.get("ident") for l in x("tei:profileDesc/tei:langUsage/tei:language") if l.get("ident")]
    text_el = root.find(f"{T}text")
    text_lang = (text_el.get(XML_LANG) if text_el is not None else None) or root.get(XML_LANG) or (languages[0] if languages else "")
    rights = first_text("tei:fileDesc/tei:publicationStmt/tei:availability")
    contributors = [(first_text_el(r, "resp"), first_text_el(r, "persName") or first_text_el(r, "name"))
                    for r in x("tei:fileDesc/tei:titleStmt/tei:respStmt")]
    corr = []
    for ca in x("tei:profileDesc/tei:correspDesc/tei:correspAction"):
        parties = []
        for c in ca:
            if not isinstance(c.tag, str):
                continue
            local = etree.QName(c).localname
            parties.append(Party(local, text_of(c), c.get("ref"), {k: v for k, v in c.attrib.items()}))
        corr.append(CorrespAction(ca.get("type") or "", parties))

    units: list[CitableUnit] = []
    cite_structure: list[dict] = []
    for cs in x("tei:encodingDesc/tei:refsDecl/tei:citeStructure"):
        cite_structure.append(_cite_structure_json(cs))
        _collect_units(root, cs, root, None, 1, units, root)
        break  # the first refsDecl's tree is the default (and only) citation tree
    unit_index = {}
    for i, u in enumerate(units):
        unit_index.setdefault(u.identifier, i)
    xml_id = root.get(XML_ID) or path.stem
    return Document(
        name=path.stem, path=path, data=data, xml_id=xml_id, title=title, abstract=abstract, date=date,
        archive=archive, idnos=idnos, pub_idnos=pub_idnos, citation=citation, languages=languages,
        text_lang=text_lang, rights=rights, contributors=[c for c in contributors if c[1]],
        correspondence=corr, datestamp=_datestamp(tree, path),
        header_xml=etree.tostring(h, encoding="unicode", with_tail=False),
        cite_structure=cite_structure, units=units, unit_index=unit_index)


def first_text_el(el, local: str) -> str:
    f = el.find(f"{T}{local}")
    return text_of(f) if f is not None else ""


@dataclass
class Edition:
    tei_dir: Path
    documents: list[Document]
    register: Register
    by_name: dict[str, Document] = field(default_factory=dict)
    fingerprint: str = ""

    @classmethod
    def load(cls, tei_dir: Path, register_dir: Path | None = None) -> "Edition":
        tei_dir = Path(tei_dir)
        if not tei_dir.is_dir():
            raise EditionError(f"{tei_dir}: no such folder; pass the folder of the edition's TEI files")
        docs = [load_document(p) for p in sorted(tei_dir.glob("*.xml"))]
        register = Register.load(register_dir if register_dir is not None else tei_dir / "register")
        h = hashlib.sha256()
        for d in docs:
            h.update(d.name.encode() + b"\0" + hashlib.sha256(d.data).digest())
        ed = cls(tei_dir, docs, register, {d.name: d for d in docs}, h.hexdigest()[:16])
        return ed

    def archives(self) -> dict[str, list[Document]]:
        out: dict[str, list[Document]] = {}
        for d in self.documents:
            out.setdefault(d.archive or "Unknown archive", []).append(d)
        return dict(sorted(out.items()))

    def years(self) -> dict[str, list[Document]]:
        out: dict[str, list[Document]] = {}
        for d in self.documents:
            out.setdefault(d.year, []).append(d)
        return dict(sorted(out.items()))
