"""`tei-encoder encode` and `tei-encoder build`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .terminal import progress_wanted

from .encode import encode_paths
from .fileio import atomic_write


def run_encode(sources: list[str], out_dir: Path, *, force: bool, verbose: bool, report: str | None,
               register_dir: Path | None = None, jobs: int | None = 1) -> int:
    """Encode and print one line per problem; return the number of failed files."""
    done = [0]
    total = len(sources)

    def progress(path):
        done[0] += 1
        if progress_wanted():
            click.echo(f"\rencoding {done[0]} … {path.name[:40]:40}", err=True, nl=False)

    from .parallel import default_jobs
    results = encode_paths(sources, out_dir, force=force, register_dir=register_dir, progress=progress,
                           jobs=jobs or default_jobs())
    if progress_wanted() and total:
        click.echo("\r" + " " * 60 + "\r", err=True, nl=False)
    failed = 0
    for r in results:
        if r.status == "failed":
            failed += 1
            click.echo(f"error: {r.error}", err=True)
        elif r.status == "skipped-hand-edited":
            click.echo(f"skipped: {r.output} was edited by hand since it was generated; "
                       "use --force to overwrite it", err=True)
        if verbose and r.status != "failed":
            click.echo(f"{r.source} -> {r.output} [{r.status}; layout {r.layout}; {len(r.dropped)} dropped; "
                       f"{len(r.unknown_names)} names for review]")
            for d in r.dropped:
                click.echo(f"  dropped line {d['line']}: {d['text'][:70]!r} ({d['reason']})")
            for s in r.damaged_sections:
                click.echo(f"  damaged block kept verbatim: {s}")
    written = sum(r.status == "written" for r in results)
    unchanged = sum(r.status == "unchanged" for r in results)
    skipped = sum(r.status == "skipped-hand-edited" for r in results)
    click.echo(f"{len(results)} transcripts: {written} written, {unchanged} unchanged, "
               f"{skipped} skipped (hand-edited), {failed} failed", err=True)
    if report:
        data = {"files": [r.as_dict() for r in results],
                "summary": {"transcripts": len(results), "written": written, "unchanged": unchanged,
                            "skipped": skipped, "failed": failed,
                            "dropped": sum(len(r.dropped) for r in results)}}
        atomic_write(report, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return failed


def _jobs_option(fn):
    return click.option("-j", "--jobs", type=click.IntRange(1, 512), default=None,
                        help="Worker processes (default: all cores).")(fn)


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", "out_dir", default="tei", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the TEI files.")
@click.option("--register", "register_dir", type=click.Path(path_type=Path), default=None,
              help="Register folder (default: the project's tei/register).")
@click.option("--report", type=click.Path(path_type=str), help="Write the conversion report as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="List what was dropped from each page.")
@click.option("--force", is_flag=True, help="Overwrite TEI files edited by hand since they were generated.")
@_jobs_option
def encode(sources, out_dir, register_dir, report, verbose, force, jobs):
    """Encode transcripts (files or folders of .txt) as TEI P5.

    \b
    Example:
      tei-encoder encode seeds/ -o tei --report report.json -v
    """
    failed = run_encode(list(sources), out_dir, force=force, verbose=verbose, report=report, register_dir=register_dir,
                        jobs=jobs)
    sys.exit(1 if failed else 0)


STAGES = ("encode", "validate", "site", "pdf", "exports")


@click.command()
@click.option("--force", is_flag=True, help="Redo every document, and overwrite TEI files edited by hand.")
@click.option("-v", "--verbose", is_flag=True, help="List what was dropped from each page; time each stage.")
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True, type=click.Path(path_type=Path))
@click.option("--tei", "tei_dir", default="tei", show_default=True, type=click.Path(path_type=Path))
@click.option("--site", "site_dir", default="site", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the HTML site.")
@click.option("--pdf", "pdf_dir", default="pdf", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the PDFs.")
@_jobs_option
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="Run the documents on this Dask distributed scheduler instead of local processes "
                   "(see docs/scale.md).")
@click.option("--stages", default=",".join(STAGES), show_default=True,
              help="Comma-separated stages to run.")
@click.option("--volume/--no-volume", default=True, show_default=True,
              help="Also write the whole edition as one PDF volume.")
def build(force, verbose, seeds_dir, tei_dir, site_dir, pdf_dir, jobs, scheduler, stages, volume):
    """Build the whole edition from seeds/: encode, validate, site and PDFs.

    Documents are processed in parallel (--jobs, or a Dask cluster with
    --scheduler) and incrementally: a rebuild redoes only the documents whose
    source, register entries, schemas, stylesheets or tool version changed
    (the record is tei/.tei-encoder-build.sqlite); --force redoes everything.
    TEI files edited by hand are never overwritten (unless --force).

    \b
    Example:
      tei-encoder build
      tei-encoder build --jobs 2 --seeds corpus/ --tei /tmp/ed/tei --site /tmp/ed/site --no-volume
      tei-encoder build --scheduler tcp://10.0.0.5:8786
    """
    from .pipeline import BuildConfig, run_build

    if not seeds_dir.is_dir():
        raise click.UsageError(f"{seeds_dir}: no such folder; run build in the project folder or pass --seeds")
    chosen = {s.strip() for s in stages.split(",") if s.strip()}
    unknown = chosen - set(STAGES)
    if unknown:
        raise click.UsageError(f"--stages: unknown {', '.join(sorted(unknown))}; choose from {', '.join(STAGES)}")
    cfg = BuildConfig(seeds_dir=seeds_dir, tei_dir=tei_dir,
                      site_dir=site_dir if "site" in chosen else None,
                      pdf_dir=pdf_dir if "pdf" in chosen else None,
                      jobs=jobs, scheduler=scheduler, force=force, verbose=verbose, volume=volume,
                      validate="validate" in chosen)
    # validation (10), the site (20) and the PDFs (30) run inside the pipeline, per document;
    # other registered steps (exports, 40) run after it, as before.
    later = [step for order, step in sorted(BUILD_STEPS, key=lambda s: s[0])
             if order not in PIPELINE_ORDERS] if "exports" in chosen else []
    sys.exit(run_build(cfg, later))


PIPELINE_ORDERS = (10, 20, 30)


# Later stages of `build` register here with `build_step(order)`: validation 10,
# HTML site 20, PDFs 30, exports 40. Each is fn(tei_dir: Path, verbose: bool) -> exit status.
BUILD_STEPS: list = []


def build_step(order: int):
    def register(fn):
        BUILD_STEPS.append((order, fn))
        return fn
    return register
