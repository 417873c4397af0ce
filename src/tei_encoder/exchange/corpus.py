"""The whole edition as one ``teiCorpus``: a corpus header carrying the register, then every TEI.

The register's ``listPerson``/``listPlace``/``listOrg`` go into the corpus
header's ``sourceDesc``; the documents' ``@ref="register/persons.xml#id"``
become ``#id`` so they point into the same file.
"""
from __future__ import annotations

import copy
import re

from lxml import etree

from .. import __version__
from .edition import Edition, TEI_NS, XML_ID, hardened_parser

T = f"{{{TEI_NS}}}"
REF_ATTRS = ("ref", "corresp", "target", "key", "sameAs", "who")
REGISTER_REF = re.compile(r"(?:\S*/)?(?:persons|places|orgs)\.xml#")


def _sub(parent, tag, text=None, **attrs):
    el = etree.SubElement(parent, T + tag, attrs)
    if text is not None:
        el.text = text
    return el


def build_corpus(edition: Edition, *, title: str = "tei-encoder edition", date: str | None = None) -> bytes:
    root = etree.Element(T + "teiCorpus", nsmap={None: TEI_NS})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    h = _sub(root, "teiHeader")
    fd = _sub(h, "fileDesc")
    ts = _sub(fd, "titleStmt")
    _sub(ts, "title", f"{title}: the complete edition", type="main")
    rs = _sub(ts, "respStmt")
    _sub(rs, "resp", "TEI encoding and corpus assembly")
    _sub(rs, "name", f"tei-encoder {__version__}", type="software")
    ps = _sub(fd, "publicationStmt")
    _sub(ps, "authority", title)
    _sub(ps, "idno", "corpus", type="filename")
    if date is None:
        stamps = [d.datestamp[:10] for d in edition.documents]
        date = max(stamps) if stamps else None
    if date:
        _sub(ps, "date", date, when=date)
    sd = _sub(fd, "sourceDesc")
    _sub(sd, "p", f"{len(edition.documents)} documents of the edition, each with its own header; "
                  "the register of persons, places and organisations is in this header's profileDesc.")
    ed = _sub(h, "encodingDesc")
    _sub(ed, "p", "Each document keeps its own encodingDesc; references to the register "
                  "(register/persons.xml#id and the like) point to #id in this file.")
    pd = etree.SubElement(h, T + "profileDesc")
    partic = etree.SubElement(pd, T + "particDesc")
    setting = etree.SubElement(pd, T + "settingDesc")
    parser = hardened_parser()
    for fname, listtag, holder in (("persons.xml", "listPerson", partic), ("places.xml", "listPlace", setting),
                                   ("orgs.xml", "listOrg", partic)):
        data = edition.register.files.get(fname)
        if not data:
            continue
        rtree = etree.fromstring(data, parser)
        for lst in rtree.iter(T + listtag):
            if lst.getparent() is not None and lst.getparent().tag == T + listtag:
                continue  # nested lists come with their parent
            holder.append(copy.deepcopy(lst))
    for holder in (partic, setting):
        if not len(holder):
            pd.remove(holder)
    if not len(pd):
        h.remove(pd)
    seen_ids = {el.get(XML_ID) for el in root.iter() if el.get(XML_ID)}
    for d in edition.documents:
        doc = etree.fromstring(d.data, parser)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for a in REF_ATTRS:
                v = el.get(a)
                if v and REGISTER_REF.search(v):
                    el.set(a, " ".join(REGISTER_REF.sub("#", tok) for tok in v.split()))
            i = el.get(XML_ID)
            if i:
                if i in seen_ids:  # keep ids unique within the corpus
                    el.set(XML_ID, f"{d.xml_id}-{i}")
                seen_ids.add(el.get(XML_ID))
        root.append(doc)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
