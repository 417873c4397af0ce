"""Encoding transcripts: read, annotate, write, report. The I/O edge of the pipeline."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from .errors import InputError
from .fileio import Manifest, atomic_write
from .textio import read_transcript

if TYPE_CHECKING:
    from .writers.tei import TeiWriter

# The reader, tagger and writer are imported where they are used: a rebuild with nothing to
# encode does not load them (a tenth of an unchanged rebuild's time).

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FileResult:
    source: str
    output: str | None = None
    status: str = "written"            # written | unchanged | skipped-hand-edited | failed
    error: str | None = None
    encoding: str | None = None
    layout: str | None = None
    dropped: list[dict] = field(default_factory=list)
    unknown_names: list[dict] = field(default_factory=list)
    damaged_sections: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], {})}


def collect_sources(paths: list[str]) -> list[Path]:
    """Files as given, and the .txt files of folders, sorted for a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix == ".txt" and q.is_file()))
        else:
            out.append(p)
    return out


def schema_hrefs(out_dir: Path) -> tuple[str, str]:
    schemas = PROJECT_ROOT / "schemas"
    rel = os.path.relpath(schemas, out_dir.resolve())
    return f"{rel}/edition.xsd", f"{rel}/edition.sch"


def make_writer(out_dir: Path, register_dir: Path | None = None) -> TeiWriter:
    from .readers.wilson import LANG_CODES
    from .writers.tei import TeiWriter
    xsd, sch = schema_hrefs(out_dir)
    tagger = None
    reg_dir = register_dir if register_dir is not None else PROJECT_ROOT / "tei" / "register"
    if reg_dir.is_dir():
        from .annotate.entities import EntityTagger
        from .register import Register
        register = Register.load(reg_dir)
        tagger = EntityTagger(register, ref_base=_ref_base(out_dir, reg_dir))
    return TeiWriter(schema_href=xsd, schematron_href=sch, tagger=tagger, lang_codes=LANG_CODES)


def _ref_base(out_dir: Path, reg_dir: Path) -> str:
    return os.path.relpath(reg_dir.resolve(), out_dir.resolve()).replace(os.sep, "/")


def encode_source(path: Path, writer: TeiWriter) -> tuple[FileResult, bytes | None]:
    """Read, annotate and write one transcript in memory: (what happened, the TEI bytes or None).

    Pure apart from reading ``path``: safe to run in a worker process."""
    from .readers.wilson import read_wilson
    res = FileResult(source=str(path))
    try:
        text = read_transcript(path)
        res.encoding = text.encoding
        _refuse_markup(text.text, path)
        src = read_wilson(text, path.stem, str(path))
        if not src.body and not src.title and not src.summary:
            raise InputError(str(path), "no document text found (only page furniture): not a transcript?")
        data, ctx = writer.write(src)
    except InputError as exc:
        res.status, res.error = "failed", str(exc)
        return res, None
    res.layout = src.layout
    res.dropped = [{"line": d.line, "text": d.text, "reason": d.reason} for d in src.dropped]
    res.unknown_names = [{"type": t, "name": n, "context": c} for t, n, c in ctx.unknown]
    res.damaged_sections = [s.label for s in src.sections if s.damaged]
    return res, data


def _refuse_markup(text: str, path: Path) -> None:
    """A web page or an XML file given as a transcript: say what to do instead of encoding its tags as text."""
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        raise InputError(str(path), "an HTML page, not a plain-text transcript: save the page's text and encode that")
    if head.startswith("<?xml") or head.startswith("<tei"):
        raise InputError(str(path), "an XML file, not a plain-text transcript: use `tei-encoder import` for TEI "
                                    "or `tei-encoder validate` to check it")


def store_output(res: FileResult, data: bytes, out_dir: Path, manifest: Manifest, force: bool = False,
                 write=None) -> FileResult:
    """Write ``data`` as out_dir/<stem>.xml unless it is already there or an editor changed that file.

    ``write(path, data)`` does the writing (default: ``atomic_write`` now; the build hands it to a
    background writer)."""
    name = f"{Path(res.source).stem}.xml"
    target = out_dir / name
    res.output = str(target)
    if target.exists() and target.read_bytes() == data:
        res.status = "unchanged"
        manifest.record(name, data)
        return res
    if not force and manifest.hand_edited(name):
        res.status = "skipped-hand-edited"
        return res
    (write or atomic_write)(target, data)
    manifest.record(name, data)
    res.status = "written"
    return res


def encode_file(path: Path, out_dir: Path, writer: TeiWriter, manifest: Manifest, force: bool = False) -> FileResult:
    res, data = encode_source(path, writer)
    if data is None:
        return res
    return store_output(res, data, out_dir, manifest, force)


def encode_paths(paths: list[str], out_dir: Path, *, force: bool = False, register_dir: Path | None = None,
                 progress=None, jobs: int = 1, scheduler: str | None = None) -> list[FileResult]:
    """Encode every transcript of ``paths`` into ``out_dir``; results in source order.

    ``jobs`` > 1 (or a Dask ``scheduler``) encodes in worker processes, each
    building the tagger once; this process writes the files, so the output is
    the same byte for byte."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = collect_sources(paths)
    if scheduler or (jobs != 1 and len(sources) >= 16):
        from .pipeline import encode_parallel
        return encode_parallel(sources, out_dir, force=force, register_dir=register_dir, progress=progress,
                               jobs=jobs, scheduler=scheduler)
    writer = make_writer(out_dir, register_dir)
    manifest = Manifest(out_dir)
    results = []
    for path in sources:
        results.append(encode_file(path, out_dir, writer, manifest, force))
        if progress:
            progress(path)
    manifest.save()
    return results
