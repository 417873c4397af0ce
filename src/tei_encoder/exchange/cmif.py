"""CMIF 1.1 (Correspondence Metadata Interchange Format) for correspSearch.

One ``correspDesc`` per document whose header has a ``correspDesc``: sender and
addressee (persName/orgName), places and dates, each name with the authority
URI of its register entry (VIAF, GND or Wikidata for people and organisations,
GeoNames or Wikidata for places) when the register knows one.

The writer still puts untyped ``name`` into ``correspAction``; CMIF allows only
persName/orgName there, so such a name becomes an orgName when it reads like an
institution (embassy, ministry, committee …) and a persName otherwise, unless
its ``@ref`` points to a register entry, whose kind decides.
"""
from __future__ import annotations

import re
import uuid

from lxml import etree

from .edition import Edition, TEI_NS, XML_ID, XML_NS

ORG_WORDS = re.compile(
    r"\b(embassy|ministry|committee|council|party|government|directorate|department|office|bureau|"
    r"presidium|politburo|secretariat|agency|legation|consulate|mission|union|association|league|"
    r"army|command|headquarters|institute|university|archive|cc|cpsu|kwp|sed|pcr|ccp|cpcz|kgb|un)\b", re.I)
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
NSMAP = {None: TEI_NS}


def _t(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


def _sub(parent, tag, text=None, **attrs):
    el = etree.SubElement(parent, _t(tag), {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def edition_uuid(edition_url: str) -> str:
    """A stable UUID for the edition that is also an NCName (starts with a letter), as xml:id needs."""
    salt = ""
    while True:
        u = str(uuid.uuid5(uuid.NAMESPACE_URL, edition_url + salt))
        if u[0].isalpha():
            return u
        salt += "+"


def build_cmif(edition: Edition, *, base_url: str = "https://example.org/edition/", title: str = "tei-encoder edition",
               editor: str = "The editors of the edition", editor_email: str = "editors@example.org",
               publisher: str = "tei-encoder edition", date: str | None = None, letter_url=None) -> bytes:
    """The CMIF file as bytes. ``base_url`` is where the edition's site is published (documents at
    ``{base_url}doc/{name}.html`` as the site builder writes them, this file at ``{base_url}cmif.xml``);
    ``letter_url(document)`` overrides the documents' URLs (the server points to its DTS endpoint).
    An empty ``base_url`` gives URLs relative to the site folder."""
    base = base_url if (not base_url or base_url.endswith("/")) else base_url + "/"
    reg = edition.register
    bibl_id = edition_uuid(base or title)
    docs = [d for d in edition.documents if d.correspondence]
    if date is None:
        stamps = [d.datestamp[:10] for d in edition.documents]
        date = max(stamps) if stamps else "1970-01-01"

    root = etree.Element(_t("TEI"), nsmap=NSMAP)
    header = _sub(root, "teiHeader")
    fd = _sub(header, "fileDesc")
    ts = _sub(fd, "titleStmt")
    _sub(ts, "title", f"{title}: correspondence metadata (CMIF)")
    ed = _sub(ts, "editor", editor)
    _sub(ed, "email", editor_email)
    ps = _sub(fd, "publicationStmt")
    pub = _sub(ps, "publisher")
    _sub(pub, "ref", publisher, target=base or "./")
    _sub(ps, "idno", base + "cmif.xml", type="url")
    _sub(ps, "date", when=date)
    av = _sub(ps, "availability")
    _sub(av, "licence", "This file is licensed under the terms of the Creative-Commons-License CC-BY 4.0",
         target=LICENCE)
    sd = _sub(fd, "sourceDesc")
    bibl = _sub(sd, "bibl", f"{title}. Digital edition, ", type="online")
    bibl.set(XML_ID, bibl_id)
    r = _sub(bibl, "ref", base or "./", target=base or "./")
    r.tail = " "
    pd = _sub(header, "profileDesc")
    for d in docs:
        url = letter_url(d) if letter_url else f"{base}doc/{d.name}.html"
        cd = _sub(pd, "correspDesc", key=d.name, ref=url, source="#" + bibl_id)
        actions = {a.type: a for a in d.correspondence if a.type in ("sent", "received")}
        for typ in ("sent", "received"):
            ca = _sub(cd, "correspAction", type=typ)
            a = actions.get(typ)
            if a is None:
                continue
            for p in a.parties:
                entry = reg.resolve(p.ref)
                uri = entry.best_uri() if entry is not None else None
                if p.role == "date":
                    attrs = {k: v for k, v in p.attrs.items() if k in ("when", "from", "to", "notBefore", "notAfter")}
                    if attrs:
                        _sub(ca, "date", **attrs)
                    continue
                if p.role == "placeName":
                    if p.text:
                        _sub(ca, "placeName", p.text, ref=uri)
                    continue
                if not p.text:
                    continue
                if p.role in ("persName", "orgName"):
                    tag = p.role
                elif entry is not None:
                    tag = {"person": "persName", "org": "orgName", "place": "placeName"}[entry.kind]
                else:
                    tag = "orgName" if ORG_WORDS.search(p.text) else "persName"
                _sub(ca, tag, p.text, ref=uri)
            if not len(ca):
                cd.remove(ca)
        # CMIF (and its Schematron) wants both actions; an unknown side is an empty-named party
        for typ in ("sent", "received"):
            if cd.find(f"{_t('correspAction')}[@type='{typ}']") is None:
                ca = _sub(cd, "correspAction", type=typ)
                _sub(ca, "persName", "[unknown]")
        # sent before received, as CMIF lists them
        acts = sorted(cd.findall(_t("correspAction")), key=lambda e: e.get("type") != "sent")
        for e in acts:
            cd.remove(e)
            cd.append(e)
    if not docs:
        _sub(pd, "correspDesc")  # keeps the header well-formed for an edition without correspondence
    text = _sub(root, "text")
    body = _sub(text, "body")
    _sub(body, "p")
    pi = etree.ProcessingInstruction(
        "xml-model", 'href="https://raw.githubusercontent.com/TEI-Correspondence-SIG/CMIF/master/schema/'
        'cmi-customization.rng" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"')
    root.addprevious(pi)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ----------------------------------------------------------------------------- checking

def check_schematron(xml: bytes, sch_path) -> list[str]:
    """Run an ISO Schematron (xslt2 query binding, asserts and reports without ``let``) with Saxon's
    XPath 3.1. Returns the failed asserts and fired reports as ``[role] message (at path)``."""
    from saxonche import PySaxonProcessor
    sch = etree.parse(str(sch_path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    S = "http://purl.oclc.org/dsdl/schematron"
    out = []
    with PySaxonProcessor(license=False) as proc:
        xp = proc.new_xpath_processor()
        for ns in sch.iter(f"{{{S}}}ns"):
            xp.declare_namespace(ns.get("prefix"), ns.get("uri"))
        xp.declare_namespace("xml", XML_NS)
        doc = proc.parse_xml(xml_text=xml.decode("utf-8"))
        for rule in sch.iter(f"{{{S}}}rule"):
            ctx = rule.get("context")
            xp.set_context(xdm_item=doc)
            nodes = xp.evaluate(f"//({ctx})" if not ctx.startswith("/") else ctx)
            if nodes is None:
                continue
            for i in range(nodes.size):
                node = nodes.item_at(i)
                for test_el in list(rule.iter(f"{{{S}}}assert")) + list(rule.iter(f"{{{S}}}report")):
                    xp.set_context(xdm_item=node)
                    ok = xp.effective_boolean_value(test_el.get("test"))
                    failed = (not ok) if test_el.tag.endswith("assert") else ok
                    if failed:
                        xp.set_context(xdm_item=node)
                        where = xp.evaluate_single("path(.)")
                        msg = " ".join("".join(test_el.itertext()).split())
                        out.append(f"[{test_el.get('role') or 'error'}] {msg} (at {where})")
    return out
