"""The edition's register: persons, places and organisations as TEI files.

The register is the taggers' knowledge, curated by editors in
`tei/register/{persons,places,orgs}.xml`; nothing about entities lives in
Python. This module reads it into plain records and adds entries to it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import InputError
from .fileio import atomic_write
from .validation.xmlsafe import TeiInputError, parse_untrusted

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NS = {"t": TEI_NS}

# kind -> (file, list element, entry element, name element)
KINDS = {
    "person": ("persons.xml", "listPerson", "person", "persName"),
    "place": ("places.xml", "listPlace", "place", "placeName"),
    "org": ("orgs.xml", "listOrg", "org", "orgName"),
}
TAG_KIND = {"persName": "person", "placeName": "place", "orgName": "org"}


@dataclass
class Name:
    text: str
    type: str            # preferred | variant | surname | abbr
    lang: str | None = None


@dataclass
class Entry:
    id: str
    kind: str            # person | place | org
    file: str            # persons.xml …
    names: list[Name]
    description: str | None = None
    authority: dict[str, str] = field(default_factory=dict)
    born: str | None = None
    died: str | None = None
    active: list[tuple[str | None, str | None]] = field(default_factory=list)   # (from, to) of offices
    provisional: bool = False
    subtype: str | None = None
    occupations: list[tuple[str, str | None, str | None]] = field(default_factory=list)   # (office, from, to)
    idnos: list[tuple[str, str]] = field(default_factory=list)    # every idno (type, value), in order

    @property
    def preferred(self) -> str:
        for n in self.names:
            if n.type == "preferred":
                return n.text
        return self.names[0].text if self.names else self.id

    @property
    def tag(self) -> str:
        return KINDS[self.kind][3]


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=False)


class Register:
    def __init__(self, entries: list[Entry], folder: Path | None = None):
        self.entries = entries
        self.folder = folder
        self.by_id = {e.id: e for e in entries}

    @classmethod
    def load(cls, folder: str | Path) -> "Register":
        folder = Path(folder)
        entries: list[Entry] = []
        for kind, (fname, _list, entry_tag, name_tag) in KINDS.items():
            path = folder / fname
            if not path.exists():
                continue
            try:
                tree = parse_untrusted(path)
            except TeiInputError as exc:
                raise InputError(str(path), f"register unreadable: {exc.message}", exc.line or None) from None
            for el in tree.iter(f"{{{TEI_NS}}}{entry_tag}"):
                entries.append(_entry(el, kind, fname, name_tag))
        return cls(entries, folder)


def _entry(el, kind: str, fname: str, name_tag: str) -> Entry:
    names = []
    for n in el.findall(f"t:{name_tag}", NS):
        text = " ".join("".join(n.itertext()).split())
        if text:
            names.append(Name(text, n.get("type") or "variant", n.get("{http://www.w3.org/XML/1998/namespace}lang")))
    desc = el.find("t:note[@type='description']", NS)
    idnos = [((i.get("type") or "").lower(), " ".join((i.text or "").split()))
             for i in el.findall("t:idno", NS) if (i.text or "").strip()]
    authority: dict[str, str] = {}
    for typ, value in idnos:
        if typ:
            authority.setdefault(typ, value)
    occupations = [(" ".join("".join(o.itertext()).split()), o.get("from") or o.get("when"), o.get("to"))
                   for o in el.findall("t:occupation", NS)]
    active = [(o.get("from") or o.get("notBefore") or o.get("when"), o.get("to") or o.get("notAfter") or o.get("when"))
              for o in el.findall("t:occupation", NS) + el.findall("t:floruit", NS)]
    birth, death = el.find("t:birth", NS), el.find("t:death", NS)
    status = el.find("t:note[@type='status']", NS)
    return Entry(
        id=el.get(XML_ID), kind=kind, file=fname, names=names,
        description=" ".join("".join(desc.itertext()).split()) if desc is not None else None,
        authority=authority,
        born=birth.get("when") if birth is not None else None,
        died=death.get("when") if death is not None else None,
        active=active,
        provisional=status is not None and (status.text or "").strip() == "provisional",
        subtype=el.get("type"),
        occupations=[o for o in occupations if o[0]],
        idnos=idnos,
    )


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entry"


def add_entry(folder: str | Path, kind: str, preferred: str, variants: list[str] = (), *,
              ident: str | None = None, wikidata: str | None = None, description: str | None = None) -> str:
    """Append an entry to the register file of `kind`; return its xml:id. Provisional without an authority id."""
    folder = Path(folder)
    fname, list_tag, entry_tag, name_tag = KINDS[kind]
    path = folder / fname
    if path.exists():
        tree = parse_untrusted(path)
        root = tree.getroot()
    else:
        root = _new_register(kind)
        tree = etree.ElementTree(root)
    existing = Register.load(folder) if folder.exists() else Register([])
    ident = ident or slug(preferred)
    if ident in existing.by_id or root.find(f".//*[@{{http://www.w3.org/XML/1998/namespace}}id='{ident}']") is not None:
        raise ValueError(f"{ident}: an entry with this id exists already")
    if wikidata and not re.fullmatch(r"Q\d+", wikidata):
        raise ValueError(f"{wikidata}: a Wikidata id looks like Q123")
    lst = root.find(f".//t:{list_tag}", NS)
    T = f"{{{TEI_NS}}}"
    entry = etree.SubElement(lst, T + entry_tag)
    entry.set(XML_ID, ident)
    etree.SubElement(entry, T + name_tag, type="preferred").text = preferred
    for v in variants:
        etree.SubElement(entry, T + name_tag, type="variant").text = v
    if description:
        etree.SubElement(entry, T + "note", type="description").text = description
    if wikidata:
        etree.SubElement(entry, T + "idno", type="wikidata").text = wikidata
    else:
        etree.SubElement(entry, T + "note", type="status").text = "provisional"
    etree.indent(root, space="  ")
    atomic_write(path, etree.tostring(tree, xml_declaration=True, encoding="UTF-8") + b"\n")
    return ident


def _new_register(kind: str):
    fname, list_tag, _, _ = KINDS[kind]
    title = {"person": "persons", "place": "places", "org": "organisations"}[kind]
    xml = f"""<TEI xmlns="{TEI_NS}" xml:id="register-{title}" xml:lang="en"><teiHeader><fileDesc>
<titleStmt><title>Register of {title}</title></titleStmt>
<publicationStmt><p>Part of the tei-encoder edition. Curated by its editors.</p></publicationStmt>
<sourceDesc><p>Compiled from the documents of the edition and standard reference works.</p></sourceDesc>
</fileDesc></teiHeader><text><body><{list_tag}/></body></text></TEI>"""
    return etree.fromstring(xml, safe_parser())
