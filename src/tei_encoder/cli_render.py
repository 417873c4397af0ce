"""`tei-encoder render html|pdf ...` and the site step of `tei-encoder build`.

`render` is a click group: each output format is one sub-command in this file
(`html` here; `pdf` is added beside it the same way). Shared options live in
`_inputs`/`_output` so the formats stay alike.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .terminal import progress_wanted

from .cli_encode import build_step


def _inputs(fn):
    """PATH... (TEI files or folders of them) and --register, shared by every format."""
    fn = click.option("--register", "register_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                      help="Register folder with persons.xml, places.xml, orgs.xml "
                           "(default: register/ beside the first input).")(fn)
    fn = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def render() -> None:
    """Publish TEI files: `render html` writes the static site (`render pdf` the PDFs).

    \b
    Example:
      tei-encoder render html tei/ -o site
    """


def run_html(paths, out_dir: Path, register_dir: Path | None, *, verbose: bool = False) -> int:
    """Build the site; print one line per failed file and a summary; return the number of failures."""
    from .site import SiteError, build_site

    done = [0]

    def progress(path):
        done[0] += 1
        if progress_wanted():
            click.echo(f"\rrendering {done[0]} … {path.name[:40]:40}", err=True, nl=False)

    try:
        report = build_site(paths, register_dir, out_dir, progress=progress)
    except SiteError as exc:  # a stylesheet that does not compile, an unwritable folder
        click.echo(f"error: {exc}", err=True)
        return 1
    if progress_wanted():
        click.echo("\r" + " " * 60 + "\r", err=True, nl=False)
    for e in report.errors:
        click.echo(f"error: {e}", err=True)
    click.echo(f"site: {report.documents} documents, {report.pages} pages in {out_dir}/ "
               f"({report.seconds:.1f} s); {len(report.errors)} failed", err=True)
    if verbose:
        click.echo(f"open {Path(out_dir) / 'index.html'}")
    return len(report.errors)


@render.command("html")
@_inputs
@click.option("-o", "--output", "out_dir", default="site", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the site.")
@click.option("-v", "--verbose", is_flag=True, help="Say where the site is.")
@click.option("-j", "--jobs", type=click.IntRange(1, 512), default=None,
              help="Worker processes (default: all cores); the site is the same byte for byte.")
def html(paths, register_dir, out_dir, verbose, jobs):
    """Render TEI files (or folders of them) as a static HTML site.

    Writes index, persons, places, organisations and chronology pages, a page
    per document, and a copy of each TEI file. A file that cannot be rendered
    gets one error line; the rest of the site is still written (exit 1).

    \b
    Example:
      tei-encoder render html tei/ -o site
      tei-encoder render html ../shared/reference/external-tei/frus--*.xml -o /tmp/frus
    """
    from .parallel import default_jobs
    jobs = jobs or default_jobs()
    if jobs > 1:
        from .pipeline import render_html_parallel
        sys.exit(1 if render_html_parallel(list(paths), out_dir, register_dir, jobs=jobs) else 0)
    sys.exit(1 if run_html(list(paths), out_dir, register_dir, verbose=verbose) else 0)


@build_step(20)
def _site(tei_dir: Path, verbose: bool) -> int:
    """`build`: the site of the whole edition in site/."""
    return 1 if run_html([tei_dir], Path("site"), Path(tei_dir) / "register", verbose=verbose) else 0


@build_step(35)
def _site_pdfs(tei_dir: Path, verbose: bool) -> int:
    """`build`: put the PDFs of step 30 (pdf/) into the site as site/pdf/, where the document pages link."""
    from .site import PDF_DIR, link_pdfs

    n = link_pdfs(Path("pdf"), Path("site") / PDF_DIR)
    if verbose:
        click.echo(f"site: {n} PDFs linked into site/{PDF_DIR}/")
    return 0


# ---------------------------------------------------------------------------
# `render pdf` and the PDF step of `build` (issue 6; the code is in pdf.py)
# ---------------------------------------------------------------------------

def run_pdf(paths, out_dir: Path, register_dir: Path | None, *, volume: bool = True, jobs: int = 2,
            title: str | None = None, verbose: bool = False) -> int:
    """Write the PDFs; print one line per failed document and a summary; return the number of failures."""
    import time

    from .pdf import PdfError, render_pdfs

    t0 = time.perf_counter()
    done = [0]

    def progress(result):
        done[0] += 1
        if result.status == "failed":
            if progress_wanted():
                click.echo("\r" + " " * 60 + "\r", err=True, nl=False)
            click.echo(result.line(), err=True)
        elif verbose:
            click.echo(result.line())
        elif progress_wanted():
            click.echo(f"\rPDF {done[0]} … {Path(result.source).name[:40]:40}", err=True, nl=False)

    try:
        run = render_pdfs(paths, out_dir, volume=volume, jobs=jobs, register_dir=register_dir,
                          edition_title=title, progress=progress)
    except PdfError as exc:  # the stylesheet does not compile, say
        click.echo(f"error: {exc}", err=True)
        return 1
    if progress_wanted():
        click.echo("\r" + " " * 60 + "\r", err=True, nl=False)
    for w in run.warnings:
        click.echo(f"warning: {w}", err=True)
    written = [r for r in run.results if r.status == "written"]
    click.echo(f"pdf: {len(written)} PDFs ({sum(r.pages for r in written)} pages) in {out_dir}/ "
               f"({time.perf_counter() - t0:.1f} s); {run.failed} failed", err=True)
    return run.failed


@render.command("pdf")
@_inputs
@click.option("-o", "--output", "out_dir", default="pdf", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the PDFs.")
@click.option("--volume/--no-volume", default=True, show_default=True,
              help="Also write the whole edition as one volume, edition.pdf.")
@click.option("--title", default=None, help="The volume's title (title page, PDF metadata).")
@click.option("-j", "--jobs", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for the layout.")
@click.option("-v", "--verbose", is_flag=True, help="One line per PDF written.")
def pdf(paths, register_dir, out_dir, volume, title, jobs, verbose):
    """Render TEI files (or folders of them) as PDF/A-3b, one PDF per document
    (OUT/<name>.pdf) and the volume (OUT/edition.pdf: title page, contents,
    documents in date order, index of persons).

    A document that cannot be rendered gets one error line naming it; the
    others are still written (exit 1).

    \b
    Example:
      tei-encoder render pdf tei/ -o pdf
      tei-encoder render pdf tei/000_daf40f914c803129.xml --no-volume -o /tmp/one
    """
    sys.exit(1 if run_pdf(list(paths), out_dir, register_dir, volume=volume, jobs=jobs, title=title,
                          verbose=verbose) else 0)


@build_step(30)
def _pdf(tei_dir: Path, verbose: bool) -> int:
    """`build`: a PDF per document and the volume in pdf/."""
    return 1 if run_pdf([tei_dir], Path("pdf"), Path(tei_dir) / "register", verbose=verbose) else 0
