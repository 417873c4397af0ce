"""The PDF edition: TEI -> print HTML (xslt/tei2print.xsl, saxonche) -> PDF (WeasyPrint).

One PDF per document (``<out>/<name>.pdf``) and the volume (``<out>/edition.pdf``):
title page, contents with page numbers, the documents in chronological order and
an index of persons with page numbers. Output is PDF/A-3b with embedded fonts
(Noto Serif for Latin/Cyrillic, Nanum Myeongjo for Hangul; see xslt/tei2print.css).

The stylesheet is compiled once per run in the calling process, which turns
every document into HTML; the layout (WeasyPrint, the costly part) runs in a
small pool of worker processes, each of which loads the CSS and the fonts once.

A document that cannot be read, transformed or laid out is reported as one
line naming it (:class:`PdfResult` with status "failed"); the others are still
written.
"""
from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
PJ_NS = "urn:tei-encoder:print"
XHTML_NS = "http://www.w3.org/1999/xhtml"

ROOT = Path(__file__).resolve().parents[2]
XSLT_DIR = Path(os.environ.get("TEI_ENCODER_XSLT_DIR", ROOT / "xslt"))
STYLESHEET = XSLT_DIR / "tei2print.xsl"
CSS_FILE = XSLT_DIR / "tei2print.css"

VOLUME_NAME = "edition"
PDF_VARIANT = "pdf/a-3b"
DEFAULT_JOBS = 2


class PdfError(Exception):
    """A document that cannot be rendered; the message names it."""


@dataclass
class PdfResult:
    source: str
    output: str | None
    status: str  # "written" or "failed"
    error: str | None = None
    pages: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        if self.status == "failed":
            return f"error: {self.source}: cannot render PDF: {self.error}"
        return f"{self.source} -> {self.output} [{self.pages} pages]"


# --------------------------------------------------------------------------
# Reading TEI safely
# --------------------------------------------------------------------------

def _local_parse(path: Path) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False)
    try:
        return etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise PdfError(f"line {line}: not well-formed XML: {exc.msg}") from None
    except OSError as exc:
        raise PdfError(f"cannot read the file: {exc}") from None


def read_tei(path: str | os.PathLike) -> etree._ElementTree:
    """Parse ``path`` with the project's hardened parser (no DTD, entities or network)."""
    path = Path(path)
    try:
        from .validation.xmlsafe import TeiInputError, parse_untrusted
    except ImportError:  # pragma: no cover - the validation package is optional here
        tree = _local_parse(path)
    else:
        try:
            tree = parse_untrusted(path)
        except TeiInputError as exc:
            where = f"line {exc.line}: " if exc.line else ""
            raise PdfError(f"{where}{exc.message}") from None
    # Entity references that were not expanded would reach the PDF as "&name;".
    for node in tree.iter(etree.Entity):
        raise PdfError(f"line {node.sourceline}: undeclared entity reference {node.text}; "
                       "replace it with the character it stands for")
    return tree


def _check_tei(tree: etree._ElementTree) -> None:
    root = tree.getroot()
    if root.tag != f"{{{TEI_NS}}}TEI":
        raise PdfError(f"the root element is {etree.QName(root).localname!s} "
                       f"in {etree.QName(root).namespace or 'no namespace'}, not TEI in the TEI namespace")
    if root.find(f"{{{TEI_NS}}}text") is None:
        raise PdfError("the document has no <text>")


def find_register_dir(paths: Iterable[Path]) -> Path | None:
    for p in paths:
        cand = (p if p.is_dir() else p.parent) / "register"
        if cand.is_dir():
            return cand
    return None


def collect_tei_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given; folders give their *.xml (not the register's)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.glob("*.xml") if q.is_file()))
        else:
            out.append(p)
    return out


# --------------------------------------------------------------------------
# XSLT (once per run)
# --------------------------------------------------------------------------

class PrintTransformer:
    """tei2print.xsl compiled once; turns TEI trees into print HTML strings."""

    def __init__(self, register_dir: Path | None = None, *, edition_title: str | None = None,
                 stylesheet: Path = STYLESHEET):
        from saxonche import PySaxonProcessor

        self._proc = PySaxonProcessor(license=False)
        xslt = self._proc.new_xslt30_processor()
        try:
            self._exe = xslt.compile_stylesheet(stylesheet_file=str(stylesheet))
        except Exception as exc:  # PySaxonApiError
            raise PdfError(f"{stylesheet}: the stylesheet does not compile: {exc}") from None
        if self._exe is None:
            raise PdfError(f"{stylesheet}: the stylesheet does not compile")
        if edition_title:
            self._exe.set_parameter("edition-title", self._proc.make_string_value(edition_title))
        self.register_errors: list[str] = []
        if register_dir is not None and register_dir.is_dir():
            wrapper = etree.Element(f"{{{PJ_NS}}}register", nsmap={None: PJ_NS})
            for f in sorted(register_dir.glob("*.xml")):
                try:
                    wrapper.append(read_tei(f).getroot())
                except PdfError as exc:
                    self.register_errors.append(f"{f}: {exc}")
            node = self._proc.parse_xml(xml_text=etree.tostring(wrapper, encoding="unicode"))
            self._exe.set_parameter("register", node)

    def _run(self, job: etree._Element) -> str:
        node = self._proc.parse_xml(xml_text=etree.tostring(job, encoding="unicode"))
        try:
            out = self._exe.transform_to_string(xdm_node=node)
        except Exception as exc:  # PySaxonApiError
            raise PdfError(f"the stylesheet failed: {exc}") from None
        if not out:
            raise PdfError("the stylesheet produced no output")
        return out

    @staticmethod
    def _job(mode: str, docs: list[tuple[str, etree._ElementTree]]) -> etree._Element:
        job = etree.Element(f"{{{PJ_NS}}}job", nsmap={None: PJ_NS}, mode=mode)
        for name, tree in docs:
            d = etree.SubElement(job, f"{{{PJ_NS}}}doc", name=name)
            d.append(_copy_root(tree))
        return job

    def single(self, name: str, tree: etree._ElementTree) -> str:
        return self._run(self._job("single", [(name, tree)]))

    def volume(self, docs: list[tuple[str, etree._ElementTree]], *, front_only: bool = False) -> str:
        self._exe.set_parameter("front-only", self._proc.make_boolean_value(front_only))
        try:
            return self._run(self._job("volume", docs))
        finally:
            self._exe.set_parameter("front-only", self._proc.make_boolean_value(False))


def _copy_root(tree: etree._ElementTree) -> etree._Element:
    """A copy of the root element without processing instructions or comments around it."""
    import copy
    return copy.deepcopy(tree.getroot())


# --------------------------------------------------------------------------
# WeasyPrint (per worker process: CSS and fonts loaded once)
# --------------------------------------------------------------------------

_ENGINE: dict = {}


def _engine():
    if not _ENGINE:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fc = FontConfiguration()
        _ENGINE["fonts"] = fc
        _ENGINE["css"] = CSS(filename=str(CSS_FILE), font_config=fc)
    return _ENGINE["fonts"], _ENGINE["css"]


def _render(html: str):
    from weasyprint import HTML

    fc, css = _engine()
    return HTML(string=html, base_url=str(XSLT_DIR) + os.sep).render(
        stylesheets=[css], font_config=fc, pdf_variant=PDF_VARIANT)


def _write(document, out: Path) -> None:
    fc, _ = _engine()
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        document.write_pdf(str(tmp), pdf_variant=PDF_VARIANT, font_config=fc,
                           pdf_identifier=_identifier(out))
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def _identifier(out: Path) -> bytes:
    import hashlib
    return hashlib.md5(out.stem.encode("utf-8")).hexdigest().encode("ascii")


def render_document_html(html: str, out: Path) -> tuple[int, dict[str, int]]:
    """Lay out one document's print HTML and write the PDF; return the page count
    and the page of each index anchor (for the volume's index)."""
    document = _render(html)
    _write(document, out)
    return len(document.pages), {k: v for k, v in anchor_pages(document).items() if k.startswith("pn-")}


def count_pages(html: str) -> int:
    return len(_render(html).pages)


def render_volume_html(html: str, out: Path, expected: dict[str, int] | None = None) -> int:
    """Lay out the volume with the index's page numbers merged, write the PDF.

    ``expected`` gives the page of each index anchor as foreseen from the
    documents' own PDFs (a document is laid out the same alone and in the
    volume); the volume is then laid out once. Where the layout disagrees, or
    without ``expected``, the index is merged from the volume's own pages and
    the volume laid out a second time.
    """
    document = None
    if expected:
        merged = merge_index_pages(html, expected)
        document = _render(merged if merged is not None else html)
        actual = anchor_pages(document)
        if any(actual.get(k) != v for k, v in expected.items() if k in actual) or \
                any(k not in expected for k in actual if k.startswith("pn-")):
            document = _render(merge_index_pages(html, actual) or html)
    else:
        document = _render(html)
        merged = merge_index_pages(html, anchor_pages(document))
        if merged is not None:
            document = _render(merged)
    _write(document, out)
    return len(document.pages)


def anchor_pages(document) -> dict[str, int]:
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def merge_index_pages(html: str, pages: dict[str, int]) -> str | None:
    """Replace the index's one-link-per-mention (page numbers by target-counter)
    with each page once, consecutive pages as ranges (12–14).

    The index closes the volume, so this changes no page number before it.
    Returns None when the volume has no index.
    """
    if 'class="pageref"' not in html:
        return None
    root = etree.fromstring(html.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True,
                                                                  huge_tree=True))
    ns = {"h": XHTML_NS}
    for holder in root.iterfind(".//h:span[@class='index-pages']", ns):
        links = holder.findall("h:a[@class='pageref']", ns)
        first_on_page: dict[int, str] = {}
        for a in links:
            target = a.get("href", "").lstrip("#")
            if target in pages:
                first_on_page.setdefault(pages[target], target)
        if not first_on_page:
            continue
        for a in links:
            holder.remove(a)
        for lo, hi in _ranges(list(first_on_page)):
            a = etree.SubElement(holder, f"{{{XHTML_NS}}}a", {"class": "pageref", "href": "#" + first_on_page[lo]})
            a.text = str(lo) if lo == hi else f"{lo}–{hi}"
    # WeasyPrint parses HTML: a non-void element must not come out as <x/>.
    for el in root.iter():
        if isinstance(el.tag, str) and el.text is None and len(el) == 0 \
                and etree.QName(el).localname not in _VOID:
            el.text = ""
    return etree.tostring(root, encoding="unicode", method="xml")


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _work(kind: str, html: str, out: str, expected=None):
    import time
    t0 = time.perf_counter()
    if kind == "volume":
        return render_volume_html(html, Path(out), expected), {}, time.perf_counter() - t0
    if kind == "count":
        return count_pages(html), {}, time.perf_counter() - t0
    n, anchors = render_document_html(html, Path(out))
    return n, anchors, time.perf_counter() - t0


def _warm() -> None:
    _engine()


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------

@dataclass
class PdfRun:
    results: list[PdfResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(r.status == "failed" for r in self.results)


def render_pdfs(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, *,
                volume: bool = True, jobs: int = DEFAULT_JOBS, register_dir: Path | None = None,
                edition_title: str | None = None,
                progress: Callable[[PdfResult], None] | None = None) -> PdfRun:
    """Render each TEI file to ``out_dir/<name>.pdf`` and (``volume``) all of them
    that could be read to ``out_dir/edition.pdf``."""
    tei_paths = collect_tei_paths(paths)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = PdfRun()
    if register_dir is None:
        register_dir = find_register_dir(Path(p) for p in paths)
    transformer = PrintTransformer(register_dir, edition_title=edition_title)
    run.warnings.extend(f"register not used: {e}" for e in transformer.register_errors)

    tasks: list[tuple[str, str, Path, str]] = []  # (kind, source, out, html)
    good: list[tuple[str, etree._ElementTree]] = []
    doc_ids: dict[str, str] = {}  # document id in the HTML -> source
    names_seen: dict[str, str] = {}
    for path in tei_paths:
        name = path.stem
        if name == VOLUME_NAME:
            name = f"{name}-document"
        out = out_dir / f"{name}.pdf"
        try:
            if name in names_seen:
                raise PdfError(f"another input ({names_seen[name]}) already writes {out}")
            names_seen[name] = str(path)
            tree = read_tei(path)
            _check_tei(tree)
            html = transformer.single(name, tree)
        except PdfError as exc:
            _report(run, PdfResult(str(path), None, "failed", str(exc)), progress)
            continue
        good.append((name, tree))
        tasks.append(("document", str(path), out, html))
        m = re.search(r'<article class="document" id="([^"]+)"', html)
        if m:
            doc_ids[m.group(1)] = str(path)
    volume_source = f"{VOLUME_NAME} ({len(good)} documents)"
    vol_html = front_html = None
    if volume and good:
        try:
            front_html = transformer.volume(good, front_only=True)
            vol_html = transformer.volume(good)
        except PdfError as exc:
            _report(run, PdfResult(volume_source, None, "failed", str(exc)), progress)
            vol_html = None
    _layout(tasks, jobs, run, progress, volume=(volume_source, out_dir / f"{VOLUME_NAME}.pdf", vol_html,
                                                front_html, doc_ids) if vol_html else None)
    return run


def _report(run: PdfRun, result: PdfResult, progress) -> None:
    run.results.append(result)
    if progress:
        progress(result)


def _expected_pages(vol_html: str, front_pages: int, doc_ids: dict[str, str],
                    per_doc: dict[str, tuple[int, dict[str, int]]]) -> dict[str, int] | None:
    """The volume page of every index anchor, from the documents' own PDFs: the
    documents follow the front matter in the volume's order, each from a new page."""
    page = front_pages + 1
    expected: dict[str, int] = {}
    for doc_id in re.findall(r'<article class="document" id="([^"]+)"', vol_html):
        got = per_doc.get(doc_ids.get(doc_id, ""))
        if got is None:
            return None
        n, anchors = got
        for k, v in anchors.items():
            expected[k] = page + v - 1
        page += n
    return expected


def _layout(tasks, jobs: int, run: PdfRun, progress, volume=None) -> None:
    """Lay out the documents (and count the volume's front pages) in ``jobs``
    processes, then the volume, whose index takes its page numbers from the
    documents' layout."""
    per_doc: dict[str, tuple[int, dict[str, int]]] = {}
    jobs = max(1, min(jobs, len(tasks) + (1 if volume else 0)))
    pool = None
    if jobs > 1:
        ctx = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm)

    def submit(*args):
        if pool is None:
            from concurrent.futures import Future
            fut = Future()
            try:
                fut.set_result(_work(*args))
            except Exception as exc:  # noqa: BLE001
                fut.set_exception(exc)
            return fut
        return pool.submit(_work, *args)

    try:
        front_fut = submit("count", volume[3], "") if volume else None
        futures = [(submit(kind, html, str(out)), source, out) for kind, source, out, html in tasks]
        for fut, source, out in futures:
            try:
                n, anchors, secs = fut.result()
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
                _report(run, PdfResult(source, None, "failed", _explain(exc)), progress)
            else:
                per_doc[source] = (n, anchors)
                _report(run, PdfResult(source, str(out), "written", pages=n, seconds=secs), progress)
        if volume:
            source, out, vol_html, _front, doc_ids = volume
            expected = None
            try:
                front_pages = front_fut.result()[0]
                expected = _expected_pages(vol_html, front_pages, doc_ids, per_doc)
            except Exception:  # noqa: BLE001 - then the volume's own two passes give the pages
                expected = None
            try:
                n, _, secs = submit("volume", vol_html, str(out), expected).result()
            except Exception as exc:  # noqa: BLE001
                _report(run, PdfResult(source, None, "failed", _explain(exc)), progress)
            else:
                _report(run, PdfResult(source, str(out), "written", pages=n, seconds=secs), progress)
    finally:
        if pool is not None:
            pool.shutdown()


def _explain(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    text = msg[0] if msg else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
