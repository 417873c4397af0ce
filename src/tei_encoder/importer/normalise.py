"""A partner's TEI document as a document of this edition, losing nothing (docs/import.md).

- Elements the edition's schema admits at their place are kept under their name; attributes it does not
  admit there (or whose values it does not admit) move into ``@style="imported {JSON}"``.
- Elements it does not admit become ``seg`` (inside phrases), ``ab`` (a block of phrase content) or
  ``div`` (a block of blocks), each ``@type="imported" @subtype="THEIR-ELEMENT-NAME"`` with the same
  attribute record. Wrappers the import adds itself have a subtype starting with "#".
- The partner's whole teiHeader is kept, converted the same way, in ``notesStmt/note[@type="imported"]``;
  the edition's own header fields (title, date, identifiers, provenance) are derived from it.
- xml:ids get the document's prefix; "#id" pointers follow.
Every decision is counted per element name, for the report and the no-loss test.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
STYLE_PREFIX = "imported "

# ---------------------------------------------------------------- what edition.xsd admits

_ISO = re.compile(r"-?\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?(Z|[+-]\d{2}:\d{2})?")
_LANG = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
_NCNAME = re.compile(r"[A-Za-z_][\w.-]*")


def _word(v): return bool(v) and not re.search(r"\s", v)
def _str(v): return True
def _pointers(v): return bool(v.split())
def _iso(v): return bool(_ISO.fullmatch(v)) and _valid_date(v)
def _decimal(v): return bool(re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v))
def _nonneg(v): return bool(re.fullmatch(r"\+?\d+", v))
def _lang(v): return bool(_LANG.fullmatch(v))
def _enum(*vals): return lambda v: v in vals


def _valid_date(v: str) -> bool:
    m = re.match(r"-?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", v)
    if not m:
        return False
    mo, d = m.group(2), m.group(3)
    if mo and not 1 <= int(mo) <= 12:
        return False
    if d:
        import calendar
        y = int(m.group(1))
        if not 1 <= int(d) <= calendar.monthrange(y if y > 0 else 2000, int(mo))[1]:
            return False
    return True


CERT = _enum("high", "medium", "low", "unknown")
EVIDENCE = _enum("internal", "external", "conjecture")
REASONS = _enum("omitted", "illegible", "damage", "signature", "stamp", "seal", "handwriting", "image", "furniture",
                "completion", "gloss", "implied", "translator", "clarification")
GLOBAL = {XML_ID: _word, XML_LANG: _lang, "n": _str, "rend": _str, "cert": CERT, "resp": _pointers,
          "source": _pointers, "corresp": _pointers}
DATABLE = {"when": _iso, "notBefore": _iso, "notAfter": _iso, "from": _iso, "to": _iso}
NAMED = {"ref": _pointers, "key": _str, "type": _word, "evidence": EVIDENCE, **DATABLE}
SPEC: dict[str, dict[str, Callable]] = {
    **{n: NAMED for n in ("persName", "placeName", "orgName", "roleName", "name", "rs")},
    "date": {**DATABLE, "evidence": EVIDENCE, "type": _word},
    "measure": {"quantity": _decimal, "unit": _word, "commodity": _str, "type": _word},
    "num": {"value": _decimal, "type": _word},
    "supplied": {"reason": REASONS, "evidence": EVIDENCE},
    "gap": {"reason": REASONS, "extent": _str, "unit": _word, "quantity": _nonneg, "agent": _word},
    "choice": {}, "orig": {}, "sic": {}, "corr": {}, "expan": {}, "unclear": {}, "hi": {}, "foreign": {},
    "reg": {"type": _word}, "abbr": {"type": _word},
    "lb": {}, "pb": {"facs": _pointers},
    "damage": {"agent": _word, "type": _word},
    "seg": {"type": _enum("letterhead", "memo", "classification", "stamp", "distribution", "damaged"), "subtype": _word},
    "ref": {"target": _pointers, "type": _enum("noteAnchor", "url", "document")},
    "note": {"type": _enum("damage", "footnote", "editorial", "classification", "status", "review", "source",
                           "furniture", "description", "sic", "credits", "page"),
             "place": _word, "target": _pointers},
    "title": {"ref": _pointers, "level": _enum("a", "m", "j", "s", "u"),
              "type": _enum("main", "sub", "alt", "short", "desc")},
    "p": {}, "head": {}, "item": {}, "dateline": {}, "salute": {}, "signed": {}, "opener": {}, "closer": {},
    "postscript": {}, "ab": {"type": _word}, "list": {"type": _word}, "text": {},
}
REQUIRED = {"supplied": ("reason",), "gap": ("reason",)}
EMPTY = {"lb", "pb", "gap"}
NAMES = {"persName", "placeName", "orgName", "roleName", "name"}
REF_NAMES = {"persName", "placeName", "orgName", "name", "rs"}
PHRASE = {"persName", "placeName", "orgName", "roleName", "name", "rs", "date", "measure", "num", "supplied", "gap",
          "choice", "ref", "note", "damage", "unclear", "seg", "hi", "foreign", "title", "lb", "pb"}
CHOICE_PARTS = {"orig", "reg", "sic", "corr", "abbr", "expan"}
OPENER_PARTS = PHRASE | {"dateline", "salute", "signed"}
NOTE_PARTS = PHRASE | {"p"}
# elements that stay inside a run of text when met between blocks (TEI phrase level and milestones)
INLINE = PHRASE | CHOICE_PARTS | {
    "add", "del", "subst", "app", "lem", "rdg", "w", "c", "pc", "g", "anchor", "ptr", "metamark", "space",
    "handShift", "milestone", "cb", "fw", "q", "said", "mentioned", "term", "emph", "distinct", "soCalled", "gloss",
    "forename", "surname", "addName", "genName", "nameLink", "settlement", "country", "region", "district",
    "bloc", "geogName", "time", "span", "idno", "email", "formula", "graphic", "media", "expan", "ex", "am",
    "restore", "mod", "redo", "undo", "retrace", "secl", "surplus", "sic", "index", "interp", "caesura",
    "persPronouns", "objectName", "eventName", "geogFeat", "offset", "measureGrp", "origDate", "origPlace",
}
POINTER_ATTRS = {"target", "ref", "corresp", "resp", "source", "ana", "facs", "who", "sameAs", "next", "prev",
                 "scheme", "spanTo", "hand", "rendition", "copyOf", "synch", "change", "exclude", "select",
                 "active", "passive", "mutual", "inst", "decls", "wit", "sameAs", "start", "end", "target"}


def qname_of(node, attr: str) -> str:
    """A readable attribute name: "type", "xml:space", "frus:doc-dateTime-min" ({ns}local when no prefix)."""
    if not attr.startswith("{"):
        return attr
    ns, local = attr[1:].split("}", 1)
    if ns == XML_NS:
        return f"xml:{local}"
    for p, u in (node.nsmap or {}).items():
        if u == ns and p:
            return f"{p}:{local}"
    return attr


def local(el) -> str:
    return etree.QName(el).localname


def is_tei(el) -> bool:
    return isinstance(el.tag, str) and etree.QName(el).namespace == TEI_NS


def _text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


# ---------------------------------------------------------------- bookkeeping

@dataclass
class Decisions:
    kept: Counter = field(default_factory=Counter)          # element name -> kept under its name
    converted: Counter = field(default_factory=Counter)     # element name -> seg/ab/div imported
    converted_as: dict = field(default_factory=lambda: defaultdict(Counter))   # name -> {"seg": n, …}
    reasons: dict = field(default_factory=lambda: defaultdict(Counter))        # name -> {reason: n}
    moved_attrs: Counter = field(default_factory=Counter)   # "elem/@attr" -> n
    examples: dict = field(default_factory=dict)            # name -> first line seen

    def keep(self, name):
        self.kept[name] += 1

    def convert(self, src, name, as_, why):
        self.converted[name] += 1
        self.converted_as[name][as_] += 1
        self.reasons[name][why] += 1
        self.examples.setdefault(name, src.sourceline or 0)


class Converter:
    """Builds the edition's form of one partner document. ``link(el) -> ref or None`` maps names."""

    def __init__(self, prefix: str, partner_ids: set[str], link: Callable | None = None):
        self.prefix = prefix
        self.partner_ids = partner_ids
        self.link = link or (lambda el: (None, None))
        self.d = Decisions()

    # -- attributes ---------------------------------------------------------------
    def new_id(self, old: str) -> str:
        new = f"{self.prefix}-{old}"
        return new if _NCNAME.fullmatch(new) else self.prefix + "-" + re.sub(r"[^\w.-]", "_", old)

    def rewrite_pointers(self, value: str) -> str:
        out = []
        for tok in value.split():
            if tok.startswith("#") and tok[1:] in self.partner_ids:
                tok = "#" + self.new_id(tok[1:])
            out.append(tok)
        return " ".join(out)

    def attributes(self, src, out, name: str | None, keep_spec: dict | None) -> dict:
        """Copy admitted attributes to `out`; return the rest (name -> original value)."""
        allowed = dict(GLOBAL)
        if keep_spec:
            allowed.update(keep_spec)
        moved = {}
        for attr, value in src.attrib.items():
            check = allowed.get(attr)
            if attr == XML_ID:
                out.set(XML_ID, self.new_id(value))
                continue
            if check is None or not check(value):
                moved[qname_of(src, attr)] = value
                self.d.moved_attrs[f"{name or local(src)}/@{qname_of(src, attr)}"] += 1
                continue
            if attr in POINTER_ATTRS:
                value = self.rewrite_pointers(value)
            out.set(attr, value)
        ns = etree.QName(src).namespace
        if ns != TEI_NS:
            moved["xmlns"] = ns or ""
        return moved

    @staticmethod
    def set_style(out, moved: dict) -> None:
        if moved:
            out.set("style", STYLE_PREFIX + json.dumps(moved, ensure_ascii=False, sort_keys=True))

    # -- fits ---------------------------------------------------------------------
    def fits(self, src, name: str) -> str | None:
        """None when `src` can stay `name` at a place that admits `name`; else why not."""
        for req in REQUIRED.get(name, ()):
            v = src.get(req)
            if v is None or not SPEC[name][req](v):
                return f"@{req} missing or not in the edition's list"
        if name in EMPTY and (len(src) or (src.text or "").strip()):
            return "has content; the edition's element is empty"
        if name in NAMES and not _text_of(src) and not len(src):
            return "empty name (the edition requires the name as written)"
        if name == "choice":
            kids = [c for c in src if isinstance(c.tag, str)]
            if len(kids) < 2 or any(not is_tei(c) or local(c) not in CHOICE_PARTS for c in kids) or \
                    (src.text or "").strip() or any((c.tail or "").strip() for c in src):
                return "content not two or more of orig/reg/sic/corr/abbr/expan"
        if name == "list":
            kids = [c for c in src if isinstance(c.tag, str)]
            names = [local(c) if is_tei(c) else "?" for c in kids]
            if not names or (src.text or "").strip() or any((c.tail or "").strip() for c in src):
                return "not a list of items"
            body = names[1:] if names[0] == "head" else names
            if not body or any(n != "item" for n in body):
                return "not a list of items"
        return None

    # -- phrase level -------------------------------------------------------------
    def inline(self, src, ctx: set[str]) -> etree._Element:
        """Convert `src` for a place that admits the elements in `ctx` (phrase level)."""
        if not isinstance(src.tag, str):
            return self.misc(src)
        name = local(src) if is_tei(src) else None
        why = None
        if name in ctx:
            why = self.fits(src, name)
            if why is None:
                out = etree.Element(T + name)
                moved = self.attributes(src, out, name, SPEC.get(name))
                if name in REF_NAMES:
                    self.name_link(src, out, moved)
                self.set_style(out, moved)
                self.d.keep(name)
                child_ctx = {"choice": CHOICE_PARTS, "note": NOTE_PARTS}.get(name, PHRASE)
                self.children_inline(src, out, child_ctx)
                return out
        else:
            why = "not admitted here by the edition's schema" if name else "not in the TEI namespace"
        return self.as_imported(src, "seg", why)

    def as_imported(self, src, as_: str, why: str) -> etree._Element:
        name = local(src)
        out = etree.Element(T + as_, type="imported", subtype=name if is_tei(src) else qname_of(src, src.tag) if ":" in qname_of(src, src.tag) else name)
        moved = self.attributes(src, out, name, None)
        self.set_style(out, moved)
        self.d.convert(src, name if is_tei(src) else qname_of(src, src.tag), as_, why)
        if as_ in ("seg", "ab"):
            self.children_inline(src, out, PHRASE)
        return out

    def name_link(self, src, out, moved: dict) -> None:
        ref, original = self.link(src)
        if ref:
            if out.get("ref") is not None or src.get("ref") is not None:
                moved.setdefault("ref", src.get("ref"))
            out.set("ref", ref)
        else:
            if out.get("ref") is not None:
                moved["ref"] = out.attrib.pop("ref")
            if local(src) in ("persName", "placeName", "orgName") and out.get("cert") is None:
                out.set("cert", "low")

    def children_inline(self, src, out, ctx: set[str]) -> None:
        out.text = src.text
        for child in src:
            node = self.inline(child, ctx)
            node.tail = child.tail
            out.append(node)

    def misc(self, node):
        if isinstance(node, etree._Comment):
            return etree.Comment(node.text)
        if isinstance(node, etree._ProcessingInstruction):
            return etree.ProcessingInstruction(node.target, node.text)
        return etree.Comment(" entity ")   # entities are never resolved by the hardened parser

    # -- block level --------------------------------------------------------------
    def is_inline(self, el) -> bool:
        if not isinstance(el.tag, str):
            return True
        if not is_tei(el):
            return True
        return local(el) in INLINE

    def block_items(self, src) -> list[tuple[str, object]]:
        """The children of a container as (kind, node) items; a run of text and phrase elements is one item."""
        items: list[tuple[str, object]] = []
        run: list = []

        def flush():
            if run:
                items.append(("run", list(run)))
                run.clear()

        if (src.text or "").strip():
            run.append(src.text)
        for child in src:
            if not isinstance(child.tag, str):
                (run if run else items).append(child if run else ("misc", child))
            elif self.is_inline(child) and not (local(child) in ("pb", "gap", "note") and not run and is_tei(child)
                                                 and self.fits(child, local(child)) is None):
                run.append(child)
            else:
                flush()
                items.append((self.kind_of(child), child))
            if child.tail is not None and (run or child.tail.strip()):
                if run:
                    run.append(child.tail)
                else:
                    run.append(child.tail)
        flush()
        return items

    def kind_of(self, el) -> str:
        name = local(el)
        if name in ("p", "ab"):
            return "block"
        if name == "list":
            return "block" if self.fits(el, "list") is None else self.container_or_ab(el)
        if name in ("note", "gap", "pb"):
            return "global"
        if name in ("head", "opener", "closer", "postscript"):
            return name
        return self.container_or_ab(el)

    def container_or_ab(self, el) -> str:
        has_block_child = any(isinstance(c.tag, str) and not self.is_inline(c) for c in el)
        return "div" if has_block_child else "ab"

    def arrange(self, items):
        """Fix the order the edition's div requires: (head|opener)*, global*, blocks… then divs, (closer|postscript)*."""
        # postscript must hold blocks only; otherwise it becomes a division
        for i, (k, node) in enumerate(items):
            if k == "postscript" and not self._blocks_only(node):
                items[i] = ("div", node)
        # top: leading head/opener (comments ride along)
        top_end = 0
        while top_end < len(items) and items[top_end][0] in ("head", "opener", "misc"):
            top_end += 1
        # bottom: from the first closer/postscript after which only closer/postscript/global/misc follow
        bottom_start = len(items)
        j = len(items) - 1
        while j >= top_end and items[j][0] in ("closer", "postscript", "global", "misc"):
            if items[j][0] in ("closer", "postscript"):
                bottom_start = j
            j -= 1
        top, middle, bottom = items[:top_end], items[top_end:bottom_start], items[bottom_start:]
        fixed = []
        for k, node in middle:
            if k == "head":
                k = "ab"
            elif k in ("opener", "closer", "postscript"):
                k = self.container_or_ab(node)
            fixed.append((k, node))
        return top, fixed, bottom

    def _blocks_only(self, el) -> bool:
        kinds = [k for k, _ in self.block_items(el)]
        return all(k in ("block", "global", "run", "misc", "ab") for k in kinds) and \
            any(k in ("block", "run", "ab") for k in kinds)

    def build_div(self, out_div, src) -> bool:
        """Fill `out_div` with the converted children of `src`; False when nothing block-like came out."""
        top, middle, bottom = self.arrange(self.block_items(src))
        for k, node in top:
            out_div.append(self.block(k, node))
        seen_div = False
        has_body = False
        pending: list = []      # blocks after a division: wrapped in a synthetic division

        def flush_pending():
            if pending:
                wrapper = etree.SubElement(out_div, T + "div", type="imported", subtype="#blocks")
                for el in pending:
                    wrapper.append(el)
                pending.clear()

        for k, node in middle:
            el = self.block(k, node)
            if k == "div":
                flush_pending()
                seen_div = True
                has_body = True
                out_div.append(el)
            elif seen_div and k in ("block", "run", "ab"):
                pending.append(el)
            elif seen_div and pending:
                pending.append(el)
            else:
                if k in ("block", "run", "ab"):
                    has_body = True
                out_div.append(el)
        flush_pending()
        if not has_body:
            # the edition's div needs a block: an empty synthetic one after the top
            anchor = etree.Element(T + "ab", type="imported", subtype="#empty")
            out_div.insert(len(top), anchor)
        for k, node in bottom:
            out_div.append(self.block(k, node))
        return has_body

    def block(self, kind: str, node) -> etree._Element:
        if kind == "misc":
            return self.misc(node)
        if kind == "run":
            out = etree.Element(T + "ab", type="imported", subtype="#text")
            last = None
            out.text = ""
            for piece in node:
                if isinstance(piece, str):
                    if last is None:
                        out.text += piece
                    else:
                        last.tail = (last.tail or "") + piece
                else:
                    el = self.inline(piece, PHRASE) if isinstance(piece.tag, str) else self.misc(piece)
                    out.append(el)
                    last = el
            return out
        name = local(node)
        if kind in ("block", "global", "head"):
            ctx = {"block": {"p", "ab", "list"}, "global": {"note", "gap", "pb"}, "head": {"head"}}[kind]
            if name in ctx and self.fits(node, name) is None:
                out = etree.Element(T + name)
                moved = self.attributes(node, out, name, SPEC.get(name))
                self.set_style(out, moved)
                self.d.keep(name)
                if name == "list":
                    out.text = node.text
                    for child in node:
                        if isinstance(child.tag, str):
                            sub = etree.Element(T + local(child))
                            m2 = self.attributes(child, sub, local(child), SPEC.get(local(child)))
                            self.set_style(sub, m2)
                            self.d.keep(local(child))
                            self.children_inline(child, sub, PHRASE)
                        else:
                            sub = self.misc(child)
                        sub.tail = child.tail
                        out.append(sub)
                else:
                    self.children_inline(node, out, NOTE_PARTS if name == "note" else PHRASE)
                return out
            return self.as_imported(node, "ab", "not admitted here by the edition's schema")
        if kind in ("opener", "closer"):
            out = etree.Element(T + name)
            moved = self.attributes(node, out, name, SPEC.get(name))
            self.set_style(out, moved)
            self.d.keep(name)
            self.children_inline(node, out, OPENER_PARTS)
            return out
        if kind == "postscript":
            out = etree.Element(T + name)
            moved = self.attributes(node, out, name, SPEC.get(name))
            self.set_style(out, moved)
            self.d.keep(name)
            for k, n in self.block_items(node):
                out.append(self.block(k, n))
            if not any(c.tag in (T + "p", T + "ab", T + "list") for c in out):
                out.append(etree.Element(T + "ab", type="imported", subtype="#empty"))
            return out
        if kind == "ab":
            return self.as_imported(node, "ab", "not admitted here by the edition's schema")
        # div: a block of blocks
        out = self.as_imported(node, "div", "not admitted here by the edition's schema"
                               if local(node) != "div" else "the partner's division")
        self.build_div(out, node)
        return out


def strip_ids(el) -> None:
    for x in el.iter():
        if isinstance(x.tag, str) and XML_ID in x.attrib:
            del x.attrib[XML_ID]
