"""`tei-encoder serve` and `tei-encoder export cmif|register|corpus|bag`, and build step 40 (exports)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_encode import build_step
from .fileio import atomic_write


def _load(tei_dir: Path):
    from .exchange.edition import Edition, EditionError
    try:
        return Edition.load(tei_dir)
    except EditionError as e:
        raise click.ClickException(str(e))


@click.command()
@click.argument("edition_dir", required=False, default="tei", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--base-url", default=None, help="Public URL of the server (default http://HOST:PORT/).")
@click.option("--page-size", default=100, show_default=True, type=click.IntRange(1), help="DTS collection page size.")
@click.option("--oai-page-size", default=100, show_default=True, type=click.IntRange(1),
              help="Records per OAI-PMH response before a resumption token.")
@click.option("--log-level", default="warning", show_default=True)
def serve(edition_dir, host, port, base_url, page_size, oai_page_size, log_level):
    """Serve the edition over DTS 1.0 (/api/dts/), OAI-PMH 2.0 (/oai) and exports (/exports/).

    \b
    Example:
      tei-encoder serve tei --port 8000
      curl 'http://127.0.0.1:8000/api/dts/collection'
    """
    import uvicorn

    from .exchange.app import create_app
    from .exchange.edition import EditionError
    try:
        app = create_app(edition_dir, base_url=base_url or f"http://{host}:{port}/", page_size=page_size,
                         oai_page_size=oai_page_size)
    except EditionError as e:
        raise click.ClickException(str(e))
    n = len(app.state.edition.documents)
    click.echo(f"serving {n} documents from {edition_dir} at http://{host}:{port}/ "
               "(DTS /api/dts/, OAI-PMH /oai, exports /exports/)", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False,
                backlog=512, timeout_keep_alive=30)


@click.group()
def export():
    """Export the edition for other archives: CMIF, register, teiCorpus, BagIt.

    \b
    Example:
      tei-encoder export cmif -o cmif.xml
    """


TEI_OPT = click.option("--tei", "tei_dir", default="tei", show_default=True, type=click.Path(path_type=Path),
                       help="Folder of the edition's TEI files (register in its register/).")


@export.command("cmif")
@TEI_OPT
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path))
@click.option("--base-url", default="https://example.org/edition/", show_default=True,
              help="Where the edition's site is published (documents at BASE/doc/NAME.html).")
@click.option("--title", default="tei-encoder edition", show_default=True)
def export_cmif(tei_dir, output, base_url, title):
    """Write the correspondence metadata as one CMIF 1.1 file (for correspSearch).

    \b
    Example:
      tei-encoder export cmif -o site/cmif.xml --base-url https://edition.example.org/
    """
    from .exchange.cmif import build_cmif
    ed = _load(tei_dir)
    atomic_write(output, build_cmif(ed, base_url=base_url, title=title))
    n = sum(1 for d in ed.documents if d.correspondence)
    click.echo(f"{output}: {n} letters of {len(ed.documents)} documents", err=True)


@export.command("register")
@TEI_OPT
@click.option("--format", "formats", multiple=True, type=click.Choice(["tei", "csv", "jsonld"]),
              help="Format(s) to write; default all three.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path))
def export_register(tei_dir, formats, out_dir):
    """Write the register (persons, places, organisations) as TEI, CSV and/or JSON-LD,
    and missing-authority-ids.csv listing the entries without a Wikidata/VIAF/GND/GeoNames id.

    \b
    Example:
      tei-encoder export register --format csv --format jsonld -o exports/
    """
    from .exchange.register_export import FORMATS, export_files, missing_authority
    ed = _load(tei_dir)
    files = export_files(ed, formats or FORMATS)
    for name, data in files.items():
        atomic_write(out_dir / name, data)
    missing = missing_authority(ed.register)
    click.echo(f"{out_dir}: {len(ed.register.entries)} entries written ({', '.join(sorted(files))}); "
               f"{len(missing)} lack an authority id (see {out_dir / 'missing-authority-ids.csv'})", err=True)


@export.command("corpus")
@TEI_OPT
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path))
def export_corpus(tei_dir, output):
    """Write the whole edition as one teiCorpus whose header carries the register.

    \b
    Example:
      tei-encoder export corpus -o edition-corpus.xml
    """
    from .exchange.corpus import build_corpus
    ed = _load(tei_dir)
    atomic_write(output, build_corpus(ed))
    click.echo(f"{output}: teiCorpus of {len(ed.documents)} documents", err=True)


@export.command("bag")
@TEI_OPT
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path))
@click.option("--organization", default="tei-encoder edition", show_default=True, help="bag-info Source-Organization.")
@click.option("--verify", "verify_only", is_flag=True, help="Only check the bag at OUTPUT; exit 1 naming damaged files.")
def export_bag(tei_dir, out_dir, organization, verify_only):
    """Package TEI, register, schemas, site and PDFs as a BagIt bag with SHA-512 manifests.

    \b
    Example:
      tei-encoder export bag -o edition-bag
      tei-encoder export bag --verify -o edition-bag
    """
    from .exchange.bag import BagError, make_bag, verify_bag
    if verify_only:
        problems = verify_bag(out_dir)
        for p in problems:
            click.echo(f"{out_dir}: {p}", err=True)
        click.echo(f"{out_dir}: {'valid' if not problems else 'INVALID'} bag", err=True)
        sys.exit(1 if problems else 0)
    project = tei_dir.resolve().parent
    try:
        bag, missing = make_bag(project, out_dir, tei_dir=tei_dir, organization=organization)
    except BagError as e:
        raise click.ClickException(str(e))
    if missing:
        click.echo(f"note: not in the bag (not built yet): {', '.join(missing)}", err=True)
    click.echo(f"{out_dir}: bag of {len(bag.payload_entries())} files, SHA-512", err=True)


# ----------------------------------------------------------------------------- build step 40

def write_static(tei_dir: Path, site_dir: Path, *, base_url: str | None = None) -> int:
    """CMIF, register exports and the static DTS parts (entry, collections, navigation trees,
    whole documents) into ``site_dir``. Returns the number of files written. The CMIF file's
    URLs start with ``base_url`` (default: $TEI_ENCODER_BASE_URL, else relative to the site)."""
    import os
    if base_url is None:
        base_url = os.environ.get("TEI_ENCODER_BASE_URL", "")
    from .exchange.cmif import build_cmif
    from .exchange.dts import DTS, dumps
    from .exchange.edition import Edition, slug
    from .exchange.register_export import export_files

    ed = Edition.load(tei_dir)
    files: dict[str, bytes] = {"cmif.xml": build_cmif(ed, base_url=base_url)}
    for name, data in export_files(ed).items():
        files[f"register/{name}"] = data
    dts = DTS(ed, prefix="/api/dts", page_size=10**9)

    def fname(i: str) -> str:
        return slug(i[len(dts.base):] if i.startswith(dts.base) else i)

    entry = dts.entry()
    entry.update({"collection": "collection/{id}.json", "navigation": "navigation/{resource}.json",
                  "document": "document/{resource}.xml",
                  "description": "Static DTS files: ids map to file names by replacing every run of characters "
                                 "other than letters and digits with '-' (after the 'urn:tei-encoder:' prefix)."})
    files["api/dts/index.json"] = dumps(entry)
    for cid in list(dts.nodes) + list(dts.docs):
        files[f"api/dts/collection/{fname(cid)}.json"] = dumps(dts.collection({"id": cid}))
    for rid, d in dts.docs.items():
        files[f"api/dts/navigation/{fname(rid)}.json"] = dumps(
            dts.navigation({"resource": rid, "down": "-1"}, f"navigation/{fname(rid)}.json"))
        files[f"api/dts/document/{fname(rid)}.xml"] = d.data
    for name, data in files.items():
        atomic_write(site_dir / name, data)
    return len(files)


@build_step(40)
def _exports(tei_dir: Path, verbose: bool) -> int:
    from .exchange.edition import EditionError
    site = Path(tei_dir).resolve().parent / "site"
    try:
        n = write_static(Path(tei_dir), site)
    except EditionError as e:
        click.echo(f"error: exports: {e}", err=True)
        return 1
    if verbose:
        click.echo(f"exports: {n} files (CMIF, register, static DTS) in {site}", err=True)
    return 0
