"""`tei-encoder import`: other archives' TEI documents into the edition (docs/import.md)."""
from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("tei"),
              show_default=True, help="The edition's TEI folder; documents are written there as NAME.xml.")
@click.option("--register", "register_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The register folder (default: OUTPUT/register).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full report as JSON (elements kept/converted, names linked/new/to review, validation).")
@click.option("--register-from", "register_from", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The partner's own list of persons/places/organisations (TEI), repeatable.")
@click.option("--accept-invalid", is_flag=True, help="Import documents that are not valid against tei_all (reported).")
@click.option("--force", is_flag=True, help="Overwrite imported documents that were edited by hand since.")
@click.option("--dry-run", is_flag=True, help="Convert and report, write nothing (neither documents nor register).")
@click.option("--no-validate", is_flag=True, help="Do not validate the imported documents afterwards.")
def import_cmd(sources, out_dir, register_dir, report_file, register_from, accept_invalid, force, dry_run, no_validate):
    """Import other projects' TEI documents: validated, header brought to the edition's conventions,
    their markup kept (in a marked form where the edition's schema does not admit it), ids prefixed,
    names linked to the register where the match is certain.

    Exit status: 0 when every source was imported, 1 when any was refused or skipped.

    \b
    Example:
      tei-encoder import ../partner/letters/ -o tei --report import-report.json --register-from ../partner/persons.xml
    """
    from .importer import import_paths

    def progress(i, n, f):
        if sys.stderr.isatty():
            click.echo(f"\r[{i}/{n}] {f.name[:60]:60}", err=True, nl=(i == n))

    report = import_paths(sources, out_dir, register_dir=register_dir, register_from=register_from,
                          accept_invalid=accept_invalid, force=force, validate_output=not no_validate,
                          dry_run=dry_run, progress=progress)
    if report_file:
        from .fileio import atomic_write
        atomic_write(report_file, (report.to_json() + "\n").encode("utf-8"))
    click.echo(report.text())
    c = report.counts()
    sys.exit(0 if c.get("imported", 0) == len(report.documents) else 1)
