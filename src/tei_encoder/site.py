"""The HTML edition: TEI files -> a static site (``tei-encoder render html``, ``build``).

The stylesheets in ``xslt/`` know presentation; this module only feeds them:

1. every TEI file is read with the hardened parser and summarised (title, date,
   archive, abstract, names it mentions, dates it gives) with lxml;
2. documents are sorted by date, so each page knows its previous and next;
3. ``xslt/tei2html.xsl`` turns each document into ``doc/<name>.html``; it gets
   a small lookup of the register (name + description per entry) as a parameter;
4. ``xslt/site-pages.xsl`` turns the summary of the whole edition into the
   index, persons, places, organisations and chronology pages.

Each stylesheet is compiled once per run (one Saxon processor per process);
per document there is one lxml parse, one Saxon parse and one transform.
A file that cannot be read or transformed gives one error line naming it;
the rest of the site is still written.

Site layout::

    index.html persons.html places.html orgs.html chronology.html
    doc/<name>.html   tei/<name>.xml (copy of the source)   tei/register/*.xml
    assets/site.css assets/site.js   pdf/<name>.pdf (written by the PDF step)
"""
from __future__ import annotations

import os
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import quoteattr

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
NS = {"t": TEI_NS}
T = "{%s}" % TEI_NS
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Stylesheets and page assets; overridable for installed copies.
XSLT_DIR = Path(os.environ.get("TEI_ENCODER_XSLT", Path(__file__).resolve().parents[2] / "xslt"))

PDF_DIR = "pdf"  # site/pdf/<name>.pdf, written by the PDF build step
REGISTER_KINDS = {  # list element -> (kind, entry element, name element, page)
    "listPerson": ("person", "person", "persName", "persons.html"),
    "listPlace": ("place", "place", "placeName", "places.html"),
    "listOrg": ("org", "org", "orgName", "orgs.html"),
}
NAME_KIND = {"persName": "person", "placeName": "place", "orgName": "org"}
AUTHORITIES = {
    "wikidata": ("Wikidata", "https://www.wikidata.org/wiki/{}"),
    "viaf": ("VIAF", "https://viaf.org/viaf/{}"),
    "geonames": ("GeoNames", "https://www.geonames.org/{}"),
    "gnd": ("GND", "https://d-nb.info/gnd/{}"),
    "loc": ("LoC", "https://id.loc.gov/authorities/names/{}"),
}
MONTHS = ("January February March April May June July August September October November December").split()
MAX_EVENTS_PER_DOC = 60


# --------------------------------------------------------------------------- parsing

def _parse(path: Path) -> etree._ElementTree:
    """Read XML we did not write: no DTD, no entities, no network."""
    try:
        from .validation.xmlsafe import parse_untrusted
    except ImportError:  # pragma: no cover - the validation package is optional
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            return etree.parse(str(path), parser)
        except etree.XMLSyntaxError as exc:
            raise SiteError(f"{path}: not well-formed XML: {exc}") from None
    try:
        return parse_untrusted(path)
    except Exception as exc:  # TeiInputError carries file:line: message
        raise SiteError(str(exc)) from None


def _parse_bytes(data: bytes, path: Path) -> etree._ElementTree:
    from .validation.xmlsafe import parse_untrusted_bytes
    try:
        return parse_untrusted_bytes(data, str(path))
    except Exception as exc:  # TeiInputError carries file:line: message
        raise SiteError(str(exc)) from None


class SiteError(Exception):
    """A document that could not be put on the site; the message names the file."""


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def plain(el) -> str:
    """Reading text of a TEI fragment: supplied in brackets, gaps as […], note anchors dropped."""
    if el is None:
        return ""
    out: list[str] = []

    def walk(e):
        if e.text:
            out.append(e.text)
        for c in e:
            tag = etree.QName(c).localname if isinstance(c.tag, str) else ""
            if tag == "supplied":
                out.append("[")
                walk(c)
                out.append("]")
            elif tag == "gap":
                out.append("[…]")
            elif tag == "note" or (tag == "ref" and c.get("type") == "noteAnchor"):
                pass
            elif tag == "choice":
                first = next((x for x in c if isinstance(x.tag, str)
                              and etree.QName(x).localname in ("orig", "sic", "abbr")), None)
                if first is None:
                    first = next((x for x in c if isinstance(x.tag, str)), None)
                if first is not None:
                    walk(first)
            elif tag:
                walk(c)
            if c.tail:
                out.append(c.tail)

    walk(el)
    return " ".join("".join(out).split())


def format_date(iso: str) -> str:
    m = re.match(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso or "")
    if not m:
        return iso or ""
    y, mo, d = m.groups()
    try:
        if d:
            return f"{int(d)} {MONTHS[int(mo) - 1]} {y}"
        if mo:
            return f"{MONTHS[int(mo) - 1]} {y}"
    except (IndexError, ValueError):
        return iso
    return y


def _iso(el) -> str:
    if el is None:
        return ""
    for a in ("when", "from", "notBefore", "when-iso", "from-iso"):
        v = (el.get(a) or "").strip()
        if re.match(r"^-?\d{4}(-\d{2}(-\d{2})?)?", v):
            return v
    return ""


# --------------------------------------------------------------------------- register

@dataclass
class Entry:
    kind: str
    id: str
    file: str
    page: str
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (type, text, xml:lang)
    desc: str = ""
    life: str = ""
    occupation: str = ""
    idnos: list[tuple[str, str]] = field(default_factory=list)

    @property
    def preferred(self) -> str:
        for t, n, _ in self.names:
            if t == "preferred":
                return n
        return self.names[0][1] if self.names else self.id


@dataclass
class Register:
    entries: list[Entry] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def lookup_xml(self) -> str:
        """The small lookup document tei2html.xsl gets as $register."""
        rows = [f"<entry key={quoteattr(e.file + '#' + e.id)} page={quoteattr(e.page)} id={quoteattr(e.id)} "
                f"name={quoteattr(e.preferred)} desc={quoteattr(e.desc)}/>" for e in self.entries]
        return "<register>" + "".join(rows) + "</register>"

    def ids(self) -> dict[tuple[str, str], Entry]:
        return {(e.file, e.id): e for e in self.entries}


PAGE_OF_KIND = {kind: page for kind, _entry, _name, page in REGISTER_KINDS.values()}


def load_register(register_dir: Path | None) -> Register:
    """The register as the site shows it, read by :mod:`tei_encoder.register`."""
    from .errors import InputError
    from .register import Register as CoreRegister
    reg = Register()
    if not register_dir or not Path(register_dir).is_dir():
        return reg
    try:
        core = CoreRegister.load(register_dir)
    except InputError as exc:
        raise SiteError(str(exc)) from None
    reg.files = sorted(Path(register_dir).glob("*.xml"))
    for c in core.entries:
        e = Entry(kind=c.kind, id=c.id, file=c.file, page=PAGE_OF_KIND[c.kind],
                  names=[(n.type, n.text, n.lang or "") for n in c.names], desc=c.description or "",
                  idnos=list(c.idnos))
        born, died = (c.born or "")[:4], (c.died or "")[:4]
        e.life = f"{born or '?'}–{died}" if (born or died) else ""
        e.occupation = "; ".join(
            office + (f" ({'–'.join(x[:4] for x in (start, end) if x)})" if (start or end) else "")
            for office, start, end in c.occupations)
        reg.entries.append(e)
    return reg


def authority_link(kind: str, value: str) -> tuple[str, str] | None:
    """(label, URL) for an authority identifier, or None when it is not one we know."""
    if value.startswith(("http://", "https://")):
        label = AUTHORITIES.get(kind, (kind or "link", ""))[0]
        return label, value
    if kind not in AUTHORITIES:
        return None
    label, pattern = AUTHORITIES[kind]
    v = value.strip()
    if kind == "wikidata" and not re.match(r"^Q\d+$", v):
        return None
    return label, pattern.format(v)


# --------------------------------------------------------------------------- summaries

@dataclass
class DocSummary:
    path: Path
    name: str
    title: str
    date: str
    archive: str
    citation: str
    abstract: str
    mentions: Counter = field(default_factory=Counter)  # (kind, id) -> n
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (iso, label, context)

    @property
    def href(self) -> str:
        return f"doc/{self.name}.html"

    @property
    def sort_key(self):
        return (0 if self.date else 1, self.date, self.title.lower(), self.name)

    def ref(self) -> "DocRef":
        return DocRef(self.path, self.name, self.title, self.date)


@dataclass(frozen=True)
class DocRef:
    """What a listing needs of a document (its page, title and date): a large build keeps these
    in memory and reads whole summaries back only for the pages that show them."""
    path: Path
    name: str
    title: str
    date: str

    href = DocSummary.href
    sort_key = DocSummary.sort_key


def _context(date_el) -> str:
    block = date_el
    for anc in date_el.iterancestors():
        block = anc
        if etree.QName(anc).localname in ("p", "ab", "seg", "item", "head", "dateline", "l", "cell", "note", "signed"):
            break
    full = plain(block)
    dt = plain(date_el)
    i = full.find(dt) if dt else -1
    if len(full) <= 240 or i < 0:
        return full if len(full) <= 240 else full[:237] + "…"
    start = max(full.rfind(". ", 0, i) + 2, i - 140, 0)
    if start < 0 or start > i:
        start = max(0, i - 140)
    end = full.find(". ", i + len(dt))
    end = len(full) if end < 0 else end + 1
    end = min(end, i + len(dt) + 140)
    snippet = full[start:end].strip()
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(full) else "")


def summarise(tree: etree._ElementTree, name: str, path: Path, register_ids: dict) -> DocSummary:
    root = tree.getroot()
    header = root.find(T + "teiHeader")
    title_el = None
    if header is not None:
        ts = header.find(f"{T}fileDesc/{T}titleStmt")
        if ts is not None:
            cands = ts.findall(f"{T}title[@type='main']") + ts.findall(T + "title")
            title_el = next((t for t in cands if _text(t)), None)
    title = plain(title_el) or name
    texts = root.findall(T + "text") + root.findall(f".//{T}TEI/{T}text")
    date = ""
    if header is not None:
        for xp in ("t:profileDesc/t:creation//t:date", "t:profileDesc/t:correspDesc/t:correspAction[@type='sent']/t:date"):
            for d in header.xpath(xp, namespaces=NS):
                date = _iso(d)
                if date:
                    break
            if date:
                break
    if not date:
        for t in texts:
            for d in t.iterfind(f".//{T}dateline//{T}date"):
                date = _iso(d)
                if date:
                    break
            if date:
                break
    archive = citation = abstract = ""
    if header is not None:
        msid = header.find(f"{T}fileDesc/{T}sourceDesc/{T}msDesc/{T}msIdentifier")
        if msid is not None:
            archive = ", ".join(_text(x) for x in msid if isinstance(x.tag, str)
                                and etree.QName(x).localname in ("repository", "institution") and _text(x))
        bibl = header.find(f"{T}fileDesc/{T}sourceDesc/{T}bibl[@type='citation']")
        citation = _text(bibl)
        ab = header.find(f"{T}profileDesc/{T}abstract")
        abstract = plain(ab) if ab is not None else ""
        if len(abstract) > 600:
            abstract = abstract[:597].rsplit(" ", 1)[0] + " …"
    s = DocSummary(path=path, name=name, title=title, date=date, archive=archive, citation=citation,
                   abstract=abstract)
    # names: header and text
    seen_unknown = set()
    for el in root.iter(T + "persName", T + "placeName", T + "orgName"):
        kind = NAME_KIND[etree.QName(el).localname]
        ref = (el.get("ref") or "").split()
        if ref and "#" in ref[0]:
            file, _, frag = ref[0].rpartition("#")
            key = (file.rsplit("/", 1)[-1], frag)
            if key in register_ids:
                s.mentions[(register_ids[key].kind, frag)] += 1
        elif el.get("cert") == "low" and not ref:
            txt = plain(el)
            if txt and (kind, txt) not in seen_unknown:
                seen_unknown.add((kind, txt))
                s.unknown.append((kind, txt))
    # dates given in the text, for the chronology
    for t in texts:
        for d in t.iter(T + "date"):
            iso = _iso(d)
            if not iso:
                continue
            if iso == date and any(etree.QName(a).localname in ("dateline", "opener", "closer")
                                   for a in d.iterancestors()):
                continue
            label = format_date(iso)
            if d.get("to") and d.get("from"):
                label = f"{format_date(d.get('from'))} – {format_date(d.get('to'))}"
            s.events.append((iso, label, _context(d)))
            if len(s.events) >= MAX_EVENTS_PER_DOC:
                break
    return s


# --------------------------------------------------------------------------- Saxon

_PROC = None


def _processor():
    """One Saxon processor per process (SaxonC does not like several)."""
    global _PROC
    if _PROC is None:
        from saxonche import PySaxonProcessor
        _PROC = PySaxonProcessor(license=False)
    return _PROC


class Stylesheets:
    """The site's stylesheets, each compiled once."""

    def __init__(self, xslt_dir: Path = XSLT_DIR):
        self.proc = _processor()
        xp = self.proc.new_xslt30_processor()
        self.doc = self._compile(xp, xslt_dir / "tei2html.xsl")
        self.pages = self._compile(xp, xslt_dir / "site-pages.xsl")

    @staticmethod
    def _compile(xp, path: Path):
        try:
            exe = xp.compile_stylesheet(stylesheet_file=str(path))
        except Exception as exc:
            raise SiteError(f"{path}: the stylesheet does not compile: {exc}") from None
        if exe is None:
            raise SiteError(f"{path}: the stylesheet does not compile")
        return exe

    def string(self, s: str):
        return self.proc.make_string_value(s)

    def render_doc(self, xml_text: str, params: dict[str, str], register_node) -> str:
        node = self.proc.parse_xml(xml_text=xml_text)
        exe = self.doc
        for k, v in params.items():
            exe.set_parameter(k, self.string(v))
        if register_node is not None:
            exe.set_parameter("register", register_node)
        return exe.transform_to_string(xdm_node=node)

    def render_page(self, summary_node, page: str) -> str:
        exe = self.pages
        exe.set_parameter("page", self.string(page))
        exe.set_parameter("root", self.string(""))
        return exe.transform_to_string(xdm_node=summary_node)


# --------------------------------------------------------------------------- the build

@dataclass
class SiteReport:
    out_dir: Path
    documents: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders give their *.xml (not the register/ subfolder, not hidden files)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(x for x in p.glob("*.xml") if not x.name.startswith(".")))
        else:
            out.append(p)
    return out


def _safe_name(stem: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "document"
    base, i = name, 2
    while name.lower() in taken:
        name = f"{base}-{i}"
        i += 1
    taken.add(name.lower())
    return name


def _write(path: Path, text: str) -> None:
    from .fileio import atomic_write
    atomic_write(path, text.encode("utf-8"))


# Per-document entry points: build_site below runs them in turn; the parallel and
# incremental build (tei_encoder.pipeline) runs them in worker processes.

def summarise_file(path: Path, register_ids: dict, taken: set[str], data: bytes | None = None) -> DocSummary:
    """Read one TEI file (or its ``data``, already in memory) and summarise it; its page name is
    made unique against ``taken``."""
    tree = _parse(path) if data is None else _parse_bytes(data, path)
    root = tree.getroot()
    if root.tag not in (T + "TEI", T + "teiCorpus"):
        ns = etree.QName(root).namespace or "no namespace"
        raise SiteError(f"{path}: not a TEI P5 document (root element <{etree.QName(root).localname}> "
                        f"in {ns}); expected <TEI> in {TEI_NS}")
    return summarise(tree, _safe_name(path.stem, taken), path, register_ids)


def page_params(d: DocSummary, prev_d: DocSummary | None, next_d: DocSummary | None) -> dict[str, str]:
    """The stylesheet parameters of one document page (its neighbours in date order)."""
    return {
        "root": "../",
        "doc-name": d.name,
        "tei-href": f"../tei/{d.name}.xml",
        "pdf-href": f"../{PDF_DIR}/{d.name}.pdf",
        "prev-href": f"{prev_d.name}.html" if prev_d else "",
        "prev-title": prev_d.title if prev_d else "",
        "next-href": f"{next_d.name}.html" if next_d else "",
        "next-title": next_d.title if next_d else "",
    }


_GENERATED_ID = re.compile(r'\b((?:tip|fn|fnref)-)d\d+e(\d+)')


def _stable_ids(html: str) -> str:
    """generate-id() numbers documents in the order a Saxon processor parsed them, so the same page
    would differ with the run (or worker) that made it; ids are per page, so the document number goes."""
    return _GENERATED_ID.sub(r"\1d1e\2", html)


def render_document(sheets: "Stylesheets", path: Path, params: dict[str, str], register_node) -> str:
    """One document page as an HTML string; SiteError (naming the file) when it cannot be rendered."""
    try:
        tree = _parse(path)
        xml_text = etree.tostring(tree.getroot(), encoding="unicode")
        html = sheets.render_doc(xml_text, params, register_node)
        if not html or "<main" not in html:
            raise SiteError(f"{path}: the stylesheet produced no page")
        return _stable_ids(html)
    except SiteError as exc:
        msg = str(exc)
        raise SiteError(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None
    except Exception as exc:
        first = " ".join(str(exc).split())[:300]
        raise SiteError(f"{path}: the stylesheet cannot render it: {first}") from None


def overview_pages(sheets: "Stylesheets", docs: list[DocSummary], register: Register, xslt_dir: Path = XSLT_DIR):
    """(page name, html or SiteError) for the index, register and chronology pages (and their parts
    in a large edition: :mod:`tei_encoder.overview`), each from a summary of what it shows."""
    from .overview import all_pages
    for page in all_pages(docs, register):
        try:
            node = sheets.proc.parse_xml(xml_text=page.xml)
            yield page.name, sheets.render_page(node, page.template)
        except Exception as exc:
            yield page.name, SiteError(f"{xslt_dir / 'site-pages.xsl'}: page {page.name}: {exc}")


def remove_stale_overview_pages(out: Path, made: set[str]) -> None:
    """Delete the parts of overview pages a larger edition had and this one no longer makes."""
    from .overview import is_overview_file
    for f in out.glob("*.html"):
        if is_overview_file(f.name) and f.name[:-5] not in made:
            f.unlink()


def build_site(tei_paths: Iterable[str | Path], register_dir: str | Path | None, out_dir: str | Path, *,
               progress: Callable[[Path], None] | None = None, xslt_dir: Path | None = None) -> SiteReport:
    """Write the HTML edition of ``tei_paths`` into ``out_dir``; return what was done and what failed.

    ``register_dir`` holds persons.xml, places.xml, orgs.xml (None: the folder
    ``register`` beside the first input, when there is one).
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    paths = expand_paths(tei_paths)
    if register_dir is None and paths:
        first = paths[0] if paths[0].is_dir() else paths[0].parent
        register_dir = first / "register"
    report = SiteReport(out_dir=out)
    try:
        register = load_register(Path(register_dir) if register_dir else None)
    except SiteError as exc:
        report.errors.append(f"register: {exc}")
        register = Register()
    reg_ids = register.ids()
    sheets = Stylesheets(xslt_dir or XSLT_DIR)

    # 1. read and summarise every document
    docs: list[DocSummary] = []
    taken: set[str] = set()
    for path in paths:
        try:
            docs.append(summarise_file(path, reg_ids, taken))
        except SiteError as exc:
            report.errors.append(str(exc))
        except Exception as exc:  # a bug or a very odd file: name it, go on
            report.errors.append(f"{path}: cannot be summarised: {exc}")
    docs.sort(key=lambda d: d.sort_key)

    # 2. assets, register copies
    (out / "doc").mkdir(parents=True, exist_ok=True)
    (out / "tei").mkdir(parents=True, exist_ok=True)
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for f in ("site.css", "site.js"):
        shutil.copyfile((xslt_dir or XSLT_DIR) / "assets" / f, assets / f)
    if register.files:
        (out / "tei" / "register").mkdir(parents=True, exist_ok=True)
        for f in register.files:
            shutil.copyfile(f, out / "tei" / "register" / f.name)

    # 3. one page per document
    register_node = sheets.proc.parse_xml(xml_text=register.lookup_xml())

    def render(d: DocSummary, prev_d: DocSummary | None, next_d: DocSummary | None) -> str | None:
        try:
            html = render_document(sheets, d.path, page_params(d, prev_d, next_d), register_node)
            _write(out / "doc" / f"{d.name}.html", html)
            return None
        except SiteError as exc:
            return str(exc)

    failed: set[str] = set()
    for i, d in enumerate(docs):
        err = render(d, docs[i - 1] if i > 0 else None, docs[i + 1] if i + 1 < len(docs) else None)
        if err:
            report.errors.append(err)
            failed.add(d.name)
        else:
            shutil.copyfile(d.path, out / "tei" / f"{d.name}.xml")
        if progress:
            progress(d.path)
    written = [d for d in docs if d.name not in failed]
    if failed:  # neighbours of a failed page: render them again so prev/next skip it
        for i, d in enumerate(docs):
            if d.name in failed:
                continue
            if (i > 0 and docs[i - 1].name in failed) or (i + 1 < len(docs) and docs[i + 1].name in failed):
                j = written.index(d)
                render(d, written[j - 1] if j > 0 else None, written[j + 1] if j + 1 < len(written) else None)
    report.documents = len(written)

    # 4. overview pages
    made = set()
    for page, html in overview_pages(sheets, written, register, xslt_dir or XSLT_DIR):
        made.add(page)
        if isinstance(html, SiteError):
            report.errors.append(str(html))
        else:
            _write(out / f"{page}.html", html)
            report.pages += 1
    remove_stale_overview_pages(out, made)
    report.pages += report.documents
    report.seconds = time.perf_counter() - t0
    return report


def link_pdfs(pdf_dir: str | Path, site_pdf_dir: str | Path) -> int:
    """Make the PDFs in ``pdf_dir`` available as ``site_pdf_dir/<name>.pdf`` (hard links, else copies)."""
    src, dst = Path(pdf_dir), Path(site_pdf_dir)
    if not src.is_dir():
        return 0
    dst.mkdir(parents=True, exist_ok=True)
    n = 0
    for f in sorted(src.glob("*.pdf")):
        target = dst / f.name
        try:
            if target.exists():
                if target.samefile(f):
                    n += 1
                    continue
                target.unlink()
            os.link(f, target)
        except OSError:
            shutil.copyfile(f, target)
        n += 1
    return n


# --------------------------------------------------------------------------- link check

def check_links(site_dir: str | Path, *, optional_prefixes: tuple[str, ...] = ()) -> list[str]:
    """Every internal href/src of every page must reach a file, and its #fragment an id there.

    ``optional_prefixes`` (paths relative to the site root, e.g. ``("pdf/",)``)
    name folders written by a later build step: links into them are not
    checked while the folder does not exist.
    """
    import lxml.html
    from urllib.parse import unquote, urlsplit

    site = Path(site_dir).resolve()
    ids: dict[Path, set[str]] = {}

    def page_ids(p: Path) -> set[str]:
        if p not in ids:
            doc = lxml.html.parse(str(p)).getroot()
            ids[p] = {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")}
        return ids[p]

    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        doc = lxml.html.parse(str(page)).getroot()
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("href", "src"):
                url = el.get(attr)
                if url is None:
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    if parts.scheme not in ("http", "https", "mailto"):
                        problems.append(f"{page.relative_to(site)}: {attr}={url!r} uses scheme {parts.scheme!r}")
                    continue
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
                try:
                    rel = target.relative_to(site).as_posix()
                except ValueError:
                    problems.append(f"{page.relative_to(site)}: {url!r} leaves the site")
                    continue
                if any(rel.startswith(p) for p in optional_prefixes) and not (site / rel.split("/")[0]).exists():
                    continue
                if not target.is_file():
                    problems.append(f"{page.relative_to(site)}: {url!r} -> missing file {rel}")
                    continue
                if parts.fragment and target.suffix == ".html":
                    if unquote(parts.fragment) not in page_ids(target):
                        problems.append(f"{page.relative_to(site)}: {url!r} -> no id {parts.fragment!r} in {rel}")
    return problems
