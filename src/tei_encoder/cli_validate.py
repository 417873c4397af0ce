"""``tei-encoder validate``: check TEI files against the edition's schemas or others'."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .terminal import progress_wanted

from .validation import reporters
from .validation.engine import iter_files, validate_file, SchemaRef, kind_of


@click.command("validate", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--schema", "schemas", multiple=True, metavar="FILE",
              help="RELAX NG (.rng), XSD (.xsd) or Schematron (.sch) to validate against instead of the "
                   "edition's schemas; repeatable.")
@click.option("--format", "fmt", type=click.Choice(sorted(reporters.FORMATS)), default="text", show_default=True,
              help="Report format.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--max-size", type=int, default=None, metavar="BYTES",
              help="Refuse files larger than this (default 200 MB).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to a file instead of standard output.")
@click.option("-j", "--jobs", type=click.IntRange(1, 512), default=None,
              help="Worker processes (default: all cores); the report is the same.")
def validate(paths, schemas, fmt, strict, max_size, output, jobs):
    """Validate TEI files and folders (their *.xml files).

    By default each file is checked against the edition's XSD and Schematron
    (schemas/edition.xsd, schemas/edition.sch) and any <?xml-model?> schema
    it names on the local disk; remote schemas are never fetched and are
    reported as not checked. Warnings do not fail the run unless --strict.

    Exit status: 0 all valid, 1 any invalid/unreadable/not checked, 2 usage error.

    \b
    Examples:
      tei-encoder validate tei tei/register
      tei-encoder validate --schema ../shared/reference/tei_all.rng partner/*.xml
      tei-encoder validate --format junit tei > validation.xml
    """
    for p in paths:
        if not p.exists():
            raise click.UsageError(f"{p}: no such file or folder")
    refs = None
    if schemas:
        refs = []
        for s in schemas:
            if "://" not in s and not Path(s).is_file():
                raise click.UsageError(f"--schema {s}: no such file")
            kind = kind_of(s)
            if kind in ("unknown",):
                raise click.UsageError(f"--schema {s}: unknown schema language (use .rng, .xsd or .sch)")
            refs.append(SchemaRef(kind, s if "://" in s else str(Path(s).resolve()), "--schema"))
    files = list(iter_files(paths))
    show = progress_wanted() and len(files) >= 20
    t0 = time.perf_counter()
    results = []
    from .parallel import default_jobs
    jobs = jobs or default_jobs()
    if jobs > 1 and refs and all(r.kind == "rng" for r in refs) and len(files) > 1:
        # RELAX NG validation runs in libxml2 without the GIL: threads share one process
        results = _validate_threads(files, refs, max_size, jobs, show)
    elif jobs > 1 and len(files) >= 16:
        results = _validate_parallel(files, refs, max_size, jobs, show)
    for i, f in enumerate(files if not results else [], 1):
        results.append(validate_file(f, refs, max_bytes=max_size))
        if show:
            click.echo(f"\rvalidating {i}/{len(files)} {f.name[:40]:<40}", err=True, nl=False)
    if show:
        click.echo("\r" + " " * 70 + "\r", err=True, nl=False)
    elapsed = time.perf_counter() - t0
    report = reporters.FORMATS[fmt](results, strict=strict, seconds=elapsed)
    if output:
        output.write_text(report, encoding="utf-8")
        click.echo(reporters.summary_line(reporters.summary(results, strict, elapsed)), err=True)
    else:
        click.echo(report, nl=False)
    if not files:
        click.echo("no .xml files found", err=True)
        sys.exit(1)
    sys.exit(0 if all(r.ok(strict) for r in results) else 1)


from .cli_encode import build_step  # noqa: E402


@build_step(10)
def _validate_edition(tei_dir: Path, verbose: bool) -> int:
    """build: the edition and its register against the edition's XSD and Schematron."""
    from .validation.engine import validate_paths
    targets = [tei_dir] + ([tei_dir / "register"] if (tei_dir / "register").is_dir() else [])
    results = validate_paths(targets)
    bad = [r for r in results if not r.ok()]
    for r in bad:
        for p in r.problems:
            if p.severity == "error":
                click.echo(f"{r.file}:{p.line}:{p.column}: error: {p.message}", err=True)
        if r.unreadable or not r.problems:
            click.echo(f"{r.file}: {r.status()}", err=True)
    warnings = sum(r.count("warning") for r in results)
    click.echo(f"validate: {len(results)} files, {len(results) - len(bad)} valid, {len(bad)} invalid; "
               f"{warnings} warnings (see `tei-encoder validate {tei_dir}`)", err=True)
    return 1 if bad else 0


def _validate_one(item):
    f, refs, max_size = item
    return validate_file(f, refs, max_bytes=max_size)


def _validate_threads(files, refs, max_size, jobs, show):
    """validate_file in threads (each with its own compiled grammar); results in file order.
    The largest files go first, so the threads finish together."""
    from concurrent.futures import ThreadPoolExecutor
    order = sorted(range(len(files)), key=lambda i: -_size(files[i]))
    out = [None] * len(files)
    with ThreadPoolExecutor(jobs) as ex:
        futures = {i: ex.submit(validate_file, files[i], refs, max_bytes=max_size) for i in order}
        for n, i in enumerate(range(len(files)), 1):
            out[i] = futures[i].result()
            if show:
                click.echo(f"\rvalidating {n}/{len(files)} {files[i].name[:40]:<40}", err=True, nl=False)
    return out


def _size(path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _validate_parallel(files, refs, max_size, jobs, show):
    """validate_file in a pool of worker processes (each compiles the schemas once); results in file order."""
    from .parallel import PoolExecutor
    from .pipeline import warm_validate
    from .validation.model import FileResult, Problem

    out = [None] * len(files)
    ex = PoolExecutor(jobs, warm_validate)
    try:
        for n, (i, ok, value) in enumerate(ex.imap(_validate_one, [(f, refs, max_size) for f in files]), 1):
            if not ok:
                value = FileResult(str(files[i]), unreadable=True,
                                   problems=[Problem(0, 0, "error", f"cannot validate: {value}", "xml", "crash")])
            out[i] = value
            if show:
                click.echo(f"\rvalidating {n}/{len(files)} {files[i].name[:40]:<40}", err=True, nl=False)
    finally:
        ex.close()
    return out
