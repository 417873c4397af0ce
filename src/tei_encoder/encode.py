"""Encoding transcripts: read, annotate, write, report. The I/O edge of the pipeline."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .fileio import Manifest, atomic_write
from .readers.wilson import LANG_CODES, read_wilson
from .textio import read_transcript
from .writers.tei import TeiWriter

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


def encode_file(path: Path, out_dir: Path, writer: TeiWriter, manifest: Manifest, force: bool = False) -> FileResult:
    res = FileResult(source=str(path))
    try:
        text = read_transcript(path)
        res.encoding = text.encoding
        src = read_wilson(text, path.stem, str(path))
        data, ctx = writer.write(src)
    except InputError as exc:
        res.status, res.error = "failed", str(exc)
        return res
    name = f"{path.stem}.xml"
    target = out_dir / name
    res.output = str(target)
    res.layout = src.layout
    res.dropped = [{"line": d.line, "text": d.text, "reason": d.reason} for d in src.dropped]
    res.unknown_names = [{"type": t, "name": n, "context": c} for t, n, c in ctx.unknown]
    res.damaged_sections = [s.label for s in src.sections if s.damaged]
    if target.exists() and target.read_bytes() == data:
        res.status = "unchanged"
        manifest.record(name, data)
        return res
    if not force and manifest.hand_edited(name):
        res.status = "skipped-hand-edited"
        return res
    atomic_write(target, data)
    manifest.record(name, data)
    return res


def encode_paths(paths: list[str], out_dir: Path, *, force: bool = False, register_dir: Path | None = None,
                 progress=None) -> list[FileResult]:
    out_dir.mkdir(parents=True, exist_ok=True)
    writer = make_writer(out_dir, register_dir)
    manifest = Manifest(out_dir)
    results = []
    sources = collect_sources(paths)
    for path in sources:
        results.append(encode_file(path, out_dir, writer, manifest, force))
        if progress:
            progress(path)
    manifest.save()
    return results
