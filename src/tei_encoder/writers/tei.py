"""The TEI writer: a `Source` (and its annotations) to a TEI P5 document.

It knows ENCODING.md and nothing of page layouts. Output is deterministic:
the same source and register give the same bytes (no clock unless
SOURCE_DATE_EPOCH asks for one).
"""
from __future__ import annotations

import datetime as _dt
import os
import re

from lxml import etree

from .. import __version__
from ..annotate.dates import find_dates
from ..annotate.pipeline import Context, annotate
from ..model import Block, Signature, Source
from .inline import TEI_NS, XML_NS, append_inline

T = f"{{{TEI_NS}}}"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"

EDITORIAL_DECL = [
    ("gap", "“[…]” and “[...]” (text left out by the editors) are encoded as gap with @reason=\"omitted\"; "
            "bracketed descriptions of non-text features such as “[signature]” or “[stamp]” as gap with that @reason."),
    ("supplied", "Words in square brackets added by the translator are encoded as supplied: @reason=\"completion\" "
                 "completes a name or word (“[Anastas] Mikoyan”), \"implied\" makes the sense explicit (“[I]”), "
                 "\"gloss\" identifies or explains (“Filippov [Stalin]”)."),
    ("choice", "An alternative romanisation in brackets (“Ri Song-un [Ri Song Un]”) is encoded as choice with the "
               "form of the text in orig and the bracketed form in reg."),
    ("ref", "A bracketed number (“[1]”) is a footnote marker whose note the source does not give: ref "
            "@type=\"noteAnchor\" keeps its number."),
    ("note", "Longer bracketed descriptions (“[stamp and handwriting]”) are encoded as note @type=\"description\"."),
    ("names", "Persons, places and organisations are tagged and point to the edition's register; names the "
              "register does not know carry @cert=\"low\" and no @ref."),
    ("dates", "Dates are normalised to ISO 8601 in @when, or @from/@to; a date without its year is completed from "
              "the document's date and marked @cert=\"medium\" @evidence=\"conjecture\"."),
    ("furniture", "Web-page furniture (navigation, share buttons, upload dates), scrape artifacts (“□□”) and "
                  "markdown emphasis are not text of the document and are left out; the conversion report lists them."),
    ("damage", "Text damaged beyond repair in the source (mojibake) is kept verbatim inside damage and not tagged."),
]


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, T + tag)
    for k, v in attrs.items():
        if v is None:
            continue
        k = k.rstrip("_").replace("__", ":")
        el.set(f"{{{XML_NS}}}{k[4:]}" if k.startswith("xml:") else k, v)
    if text is not None:
        el.text = text
    return el


def xml_id(name: str) -> str:
    """An NCName from a file stem: '000_daf40f' -> 'doc-000_daf40f'."""
    clean = re.sub(r"[^\w.-]", "-", name)
    return clean if re.match(r"[A-Za-z_]", clean) else f"doc-{clean}"


class TeiWriter:
    def __init__(self, schema_href: str | None = None, schematron_href: str | None = None,
                 tagger=None, lang_codes: dict[str, str] | None = None):
        self.schema_href, self.schematron_href = schema_href, schematron_href
        self.tagger = tagger
        self.lang_codes = lang_codes or {}

    # -- public -----------------------------------------------------------------
    def write(self, src: Source) -> tuple[bytes, Context]:
        ctx = Context(doc_date=src.date_iso, tagger=self.tagger)
        if self.tagger is not None and hasattr(self.tagger, "start_document"):
            texts = [src.title or "", src.summary or ""] + [b.text for b in src.body]
            self.tagger.start_document(texts, src.date_iso)
        root = etree.Element(T + "TEI", nsmap={None: TEI_NS})
        root.set(f"{{{XML_NS}}}id", xml_id(src.name))
        root.set(f"{{{XML_NS}}}lang", "en")
        self._header(root, src, ctx)
        self._text(root, src, ctx)
        _indent(root)
        body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
        pis = []
        if self.schema_href:
            pis.append(f'<?xml-model href="{self.schema_href}" type="application/xml" schematypens="{XSD_NS}"?>')
        if self.schematron_href:
            pis.append(f'<?xml-model href="{self.schematron_href}" type="application/xml" schematypens="{SCH_NS}"?>')
        out = '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(pis) + ("\n" if pis else "")
        return out.encode("utf-8") + body + b"\n", ctx

    # -- inline helpers ------------------------------------------------------------
    def _inline(self, parent, text: str, ctx: Context, *, entities: bool = True, dates: bool = True) -> None:
        spans, hidden = annotate(text, ctx, entities=entities, dates=dates)
        append_inline(parent, text, spans, hidden)

    # -- header -------------------------------------------------------------------
    def _header(self, root, src: Source, ctx: Context) -> None:
        header = _el(root, "teiHeader")
        fd = _el(header, "fileDesc")
        ts = _el(fd, "titleStmt")
        title = _el(ts, "title", type="main")
        self._inline(title, src.title or f"Untitled document {src.name}", ctx)
        for author in src.authors:
            au = _el(ts, "author")
            self._inline(au, author, ctx, dates=False)
        if src.funder:
            funder = _el(ts, "funder")
            self._inline(funder, src.funder, ctx, dates=False)
        for resp, people in (("Translated by", src.translators), ("Obtained by", src.obtainers)):
            for person in people:
                rs = _el(ts, "respStmt")
                _el(rs, "resp", resp)
                self._inline_name(rs, person, "persName", ctx)
        rs = _el(ts, "respStmt")
        _el(rs, "resp", "TEI encoding")
        _el(rs, "name", f"tei-encoder {__version__}", type="software")

        ps = _el(fd, "publicationStmt")
        _el(ps, "authority", "tei-encoder edition")
        _el(ps, "idno", src.name, type="filename")
        if src.record_id:
            _el(ps, "idno", src.record_id, type="recordID")
        if src.source_url:
            _el(ps, "idno", src.source_url, type="URL")
        av = _el(ps, "availability")
        _el(av, "p", src.rights or "Rights as stated by the holding archive; the source page gives no rights statement.")

        if src.notes or src.credit:
            ns = _el(fd, "notesStmt")
            if src.credit:
                n = _el(ns, "note", type="credits")
                self._inline(n, src.credit, ctx, dates=False)
            for note in src.notes:
                n = _el(ns, "note", type="page")
                self._inline(n, note, ctx)

        sd = _el(fd, "sourceDesc")
        self._ms_desc(sd, src, ctx)
        if src.citation:
            bibl = _el(sd, "bibl", type="citation")
            self._inline(bibl, src.citation, ctx)

        enc = _el(header, "encodingDesc")
        ed = _el(enc, "editorialDecl")
        for kind, text in EDITORIAL_DECL:
            _el(ed, "p", text, n=kind)
        # Citation structure for DTS and other citers: body/div[@n] . child[@n]
        refs = _el(enc, "refsDecl")
        outer = _el(refs, "citeStructure", unit="div", match="/TEI/text/body/div", use="@n")
        _el(outer, "citeStructure", unit="block", match="*", use="@n", delim=".")

        prof = _el(header, "profileDesc")
        if src.summary:
            ab = _el(prof, "abstract")
            for para in src.summary.split("\n"):
                p = _el(ab, "p")
                self._inline(p, para, ctx)
        if src.date_iso:
            cr = _el(prof, "creation")
            _el(cr, "date", src.date_text or src.date_iso, **_date_attrs(src.date_text, src.date_iso))
        lu = _el(prof, "langUsage")
        _el(lu, "language", "English (translation)", ident="en")
        orig = self._orig_lang(src)
        if orig and orig != "en":
            _el(lu, "language", f"{src.original_language} (original)", ident=orig)
        for sec in src.sections:
            if sec.lang not in ("en", orig):
                name = sec.label.split()[0]
                note = ", damaged in the source" if sec.damaged else ""
                _el(lu, "language", f"{name} (second-language block of the page{note})", ident=sec.lang)
        if src.classification or src.keywords:
            tc = _el(prof, "textClass")
            if src.classification:
                kw = _el(tc, "keywords", scheme="#classification")
                _el(kw, "term", src.classification, type="classification")
            if src.keywords:
                # the archive's own indexing of the page ("Associated Places", "Subjects Discussed")
                kw = _el(tc, "keywords", scheme="#archive-indexing")
                for kind, term in src.keywords:
                    t = _el(kw, "term", type=kind)
                    self._inline(t, term, ctx, dates=False)
        self._corresp(prof, src, ctx)

        rd = _el(header, "revisionDesc")
        when = _source_date_epoch()
        ch = _el(rd, "change", when=when)
        ch.text = f"Encoded by tei-encoder {__version__} from {os.path.basename(src.path)} (SHA-256 {src.sha256})."

    def _inline_name(self, parent, text: str, tag: str, ctx: Context) -> None:
        """A name known to be of `tag`'s kind: tagged by the tagger if it can, else wrapped as is."""
        spans, hidden = annotate(text, ctx, dates=False)
        whole = [s for s in spans if s.tag == tag and s.start == 0 and s.end == len(text)]
        if whole:
            append_inline(parent, text, spans, hidden)
        else:
            el = _el(parent, tag)
            append_inline(el, text, [s for s in spans if s.tag not in ("persName", "orgName", "placeName")], hidden)

    def _orig_lang(self, src: Source) -> str | None:
        if not src.original_language:
            return None
        return self.lang_codes.get(src.original_language.strip().lower())

    def _ms_desc(self, sd, src: Source, ctx: Context) -> None:
        ms = _el(sd, "msDesc")
        self._ms_identifier(ms, src.signature, ctx)
        for extra in src.extra_locations:
            alt = _el(ms[0], "altIdentifier", type="copy")
            if extra.repository:
                _el(alt, "repository", extra.repository)
            if extra.collections:
                _el(alt, "collection", ", ".join(extra.collections))
            parts = [v for _, v in extra.idnos] + ([extra.folio_text] if extra.folio_text else [])
            _el(alt, "idno", ", ".join(parts) or "unknown", type="signature")
        mc = _el(ms, "msContents")
        orig = self._orig_lang(src)
        if orig:
            _el(mc, "textLang", src.original_language, mainLang=orig)
        item = _el(mc, "msItem")
        if src.signature.folios:
            f, t = src.signature.folios
            _el(item, "locus", src.signature.folio_text, from_=f, to=t)
        t = _el(item, "title")
        self._inline(t, src.title or src.name, ctx)
        if src.classification:
            _el(item, "note", src.classification, type="classification")

    def _ms_identifier(self, ms, sig: Signature, ctx: Context) -> None:
        mi = _el(ms, "msIdentifier")
        if sig.repository:
            rep = _el(mi, "repository")
            self._inline(rep, sig.repository, ctx, dates=False)
        for c in sig.collections:
            coll = _el(mi, "collection")
            self._inline(coll, c, ctx, dates=False)
        for typ, value in sig.idnos:
            _el(mi, "idno", value, type=typ)
        if not (sig.repository or sig.collections or sig.idnos):
            _el(mi, "idno", "unknown", type="signature")

    def _corresp(self, prof, src: Source, ctx: Context) -> None:
        sender, addressee = _correspondents(src)
        if not (sender or addressee):
            return
        cd = _el(prof, "correspDesc")
        for typ, who in (("sent", sender), ("received", addressee)):
            if not who:
                continue
            ca = _el(cd, "correspAction", type=typ)
            spans, hidden = annotate(who, ctx, dates=False)
            names = [s for s in spans if s.tag in ("persName", "orgName", "placeName")]
            if names:
                for s in names:
                    el = _el(ca, s.tag)
                    for k, v in s.attrs:
                        el.set(k, v)
                    el.text = who[s.start:s.end]
            else:
                _el(ca, "name", who)
            if typ == "sent" and src.date_iso:
                _el(ca, "date", when=src.date_iso)

    # -- text -----------------------------------------------------------------------
    def _text(self, root, src: Source, ctx: Context) -> None:
        text = _el(root, "text", **{"xml:lang": "en"})
        body = _el(text, "body")
        div = _el(body, "div", type="document", n="document")
        self._blocks(div, src.body, ctx)
        _number(div)
        for sec in src.sections:
            sdiv = _el(body, "div", type="translation", n=f"translation-{sec.lang}", **{"xml:lang": sec.lang})
            _el(sdiv, "head", sec.label)
            if sec.damaged:
                _el(sdiv, "note", "The text of this block is damaged beyond repair in the source "
                                  "(mojibake); it is kept verbatim and not tagged.", type="damage")
            for b in sec.blocks or [Block("p", "", 0)]:
                p = _el(sdiv, "p")
                if sec.damaged:
                    _el(p, "damage", b.text, agent="encoding")
                else:
                    self._inline(p, b.text, ctx)
            _number(sdiv)

    def _blocks(self, div, blocks: list[Block], ctx: Context) -> None:
        if not any(b.kind == "p" for b in blocks):
            # A div needs running text; a fragment of opener lines is kept as paragraphs.
            blocks = [Block("p", b.text, b.line) if b.kind not in ("head",) else b for b in blocks] or [Block("p", "", 0)]
            if not any(b.kind == "p" for b in blocks):
                blocks = blocks + [Block("p", "", 0)]
        group = None       # current opener / closer / postscript element
        group_kind = None
        seen_p = False
        for b in blocks:
            kind = b.kind
            if kind == "p" and group_kind in ("closer", "postscript"):
                kind = "postscript"
            if kind in ("letterhead", "memo", "dateline", "salutation") and seen_p:
                kind = "p"
            if kind == "head":
                if seen_p:
                    kind = "p"
                else:
                    group, group_kind = None, None
                    h = _el(div, "head")
                    self._inline(h, b.text, ctx)
                    continue
            if kind in ("letterhead", "memo", "dateline", "salutation"):
                if group_kind != "opener":
                    group, group_kind = _el(div, "opener"), "opener"
                self._opener_part(group, b, ctx)
            elif kind == "p":
                group, group_kind = None, None
                seen_p = True
                p = _el(div, "p")
                self._inline(p, b.text, ctx)
            elif kind in ("signed", "closer-dateline", "closer-salute"):
                if group_kind != "closer":
                    group, group_kind = _el(div, "closer"), "closer"
                tag = {"signed": "signed", "closer-dateline": "dateline", "closer-salute": "salute"}[kind]
                el = _el(group, tag)
                self._inline(el, b.text, ctx)
            elif kind == "postscript":
                if group_kind != "postscript":
                    group, group_kind = _el(div, "postscript"), "postscript"
                p = _el(group, "p")
                self._inline(p, b.text, ctx)

    def _opener_part(self, opener, b: Block, ctx: Context) -> None:
        if b.kind == "dateline":
            el = _el(opener, "dateline")
        elif b.kind == "salutation":
            el = _el(opener, "salute")
        elif b.kind == "memo":
            el = _el(opener, "seg", type="memo", subtype=_slug(b.label or "field"))
        else:
            el = _el(opener, "seg", type="letterhead")
        self._inline(el, b.text, ctx)


def _date_attrs(text: str | None, iso: str) -> dict[str, str]:
    """The page's date as attributes: a range or an approximate date keeps what it says ("c. 1962")."""
    spans = find_dates(text or "")
    if len(spans) == 1 and spans[0].start == 0 and not spans[0].attr("evidence"):
        attrs = dict(spans[0].attrs)
        if (attrs.get("when") or attrs.get("from")) == iso:
            return attrs
    return {"when": iso}


def _number(div) -> None:
    """Stable citation ids: each block of a division is numbered in order (div.n)."""
    for i, child in enumerate(div, start=1):
        child.set("n", str(i))


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "field"


def _source_date_epoch() -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


_FROM_TO = re.compile(r"^(?:\w+ ){0,4}?(?:Telegram|Cable|Letter|Report|Note|Memorandum|Message|Directive|Instruction)s?\b[^,]*?"
                      r"\bfrom (?:the )?(?P<from>.+?) to (?:the )?(?P<to>.+?)(?=,|\.|;| regarding\b| on \b| about\b| concerning\b|$)",
                      re.I)
_X_TO_Y = re.compile(r"^(?:Letter|Cable|Telegram|Ciphered Telegram|Note|Memorandum|Report|Message)(?: No\.? ?[\w.]+)?,"
                     r"\s*(?P<from>[^,]+?) to (?P<to>[^,]+?)(?:,|$)")


def _correspondents(src: Source) -> tuple[str | None, str | None]:
    """Sender and addressee from the memo header, else from the title."""
    sender = addressee = None
    for b in src.body:
        if b.kind == "memo" and b.label in ("From",):
            sender = sender or b.text.split(":", 1)[1].strip().removeprefix("the ").strip()
        if b.kind == "memo" and b.label in ("To",):
            addressee = addressee or b.text.split(":", 1)[1].strip().removeprefix("the ").strip()
    if (sender and addressee) or not src.title:
        return sender, addressee
    m = _X_TO_Y.match(src.title) or _FROM_TO.match(src.title)
    if m:
        sender = sender or m.group("from").strip()
        addressee = addressee or m.group("to").strip()
    return sender or None, addressee or None


# Elements with element-only content; everything else may be mixed content,
# where added whitespace would change the text, so it is left as built.
_BLOCKS = {T + t for t in (
    "TEI teiHeader fileDesc titleStmt respStmt publicationStmt availability notesStmt sourceDesc msDesc "
    "msIdentifier altIdentifier msContents msItem encodingDesc editorialDecl profileDesc abstract creation "
    "langUsage textClass keywords correspDesc correspAction revisionDesc text body div opener closer postscript"
).split()}


def _indent(el, level: int = 0) -> None:
    if el.tag not in _BLOCKS or not len(el):
        return
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for child in el:
        _indent(child, level + 1)
        child.tail = pad
    el[-1].tail = "\n" + "  " * level
