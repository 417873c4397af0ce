"""The build at archive scale: every stage per document, in parallel, redoing only what changed.

``tei-encoder build`` runs four stages over the edition:

1. encode   seeds/*.txt -> tei/*.xml          (encode.encode_source)
2. validate tei/*.xml against the edition's schemas (validation.engine.validate_file)
3. site     a summary per document, a page per document, then the overview
            pages from the small summaries   (:mod:`.sitestage`; site.summarise_file, render_document)
4. pdf      a PDF per document, then the volume (pdf.PrintTransformer, WeasyPrint)

Each stage hands one document at a time to an executor (:mod:`.parallel`: this
process, a process pool, or a Dask cluster). Workers build what is costly once
per process (tagger, schemas, stylesheets, fonts) and return data; this process
writes every file (atomically) and records it in the build manifest
(:mod:`.incremental`), so the output is the same byte for byte whatever runs it,
a worker that dies leaves no half-written file, and the next run redoes only
what is missing or whose inputs changed. What this process keeps of each
document between stages is on disk (:mod:`.buildrecords`), not in lists.
"""
from __future__ import annotations

import functools
import json
import os
import time
from array import array
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable

import click

from .buildrecords import DocFiles, NameSet, ReportSpool, StoredManifest, summary_to_dict
from .encode import PROJECT_ROOT, FileResult, _ref_base, collect_sources, encode_source, make_writer, \
    schema_hrefs, store_output
from .terminal import progress_wanted
from .fileio import BackgroundWriter, Manifest, atomic_write, remove_stale_temporaries, sha256, write_if_changed
from .incremental import (BuildManifest, changed_entries, code_fingerprint, entries_key, mentions_any,
                          referenced_ids, register_snapshot, sha, sha_of)
from .parallel import DaskExecutor, InlineExecutor, PoolExecutor, default_jobs, worker_state

SMALL_RUN = 16  # fewer documents than this run in this process: a pool would cost more than it saves


# ------------------------------------------------------------------ progress



class Progress:
    def __init__(self, label: str, total: int, enabled: bool | None = None):
        self.label, self.total, self.done = label, total, 0
        self.enabled = progress_wanted() if enabled is None else enabled
        self.t0 = time.perf_counter()
        self._last = 0.0

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        rate = self.done / max(now - self.t0, 1e-6)
        click.echo(f"\r{self.label:<9} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                   f"{rate:6.1f}/s", err=True, nl=False)

    def close(self) -> None:
        if self.enabled:
            click.echo("\r" + " " * 78 + "\r", err=True, nl=False)

    def echo(self, line: str) -> None:
        """A message line that does not garble the bar."""
        if self.enabled:
            click.echo("\r" + " " * 78 + "\r", err=True, nl=False)
        click.echo(line, err=True)


# ------------------------------------------------------------------ executors per stage

class Runner:
    """Gives each stage its executor: a warmed pool per stage, or the one Dask client."""

    def __init__(self, jobs: int | None = None, scheduler: str | None = None):
        self.jobs = jobs or default_jobs()
        self.scheduler = scheduler
        self._dask: DaskExecutor | None = None
        self._pool: PoolExecutor | None = None
        self._pool_warm: tuple | None = None
        self.pool_restarts = 0

    def describe(self) -> str:
        if self.scheduler:
            return self._dask_executor().name
        return f"{self.jobs} process{'es' if self.jobs > 1 else ''}"

    def _dask_executor(self) -> DaskExecutor:
        if self._dask is None:
            self._dask = DaskExecutor(self.scheduler)
        return self._dask

    def run(self, fn, items, warm: Callable | None = None, warm_args: tuple = (), window: int | None = None):
        """Yield (index, ok, value) for fn over items: a list, or an iterable taken lazily (a pool).
        ``window``: at most so many items in flight (default: the executor's), for large items."""
        if isinstance(items, list) and not items:
            return
        if self.scheduler:
            ex = self._dask_executor()
            if warm is not None:
                try:
                    ex.client.run(warm, *warm_args)
                except Exception:  # noqa: BLE001 - workers warm lazily instead
                    pass
            yield from _windowed(ex, window, fn, items)
            return
        if self.jobs <= 1 or (isinstance(items, list) and len(items) < SMALL_RUN):
            yield from InlineExecutor(warm, warm_args).imap(fn, items)
            return
        yield from _windowed(self._pool_for(warm, warm_args), window, fn, items)

    def _pool_for(self, warm, warm_args) -> PoolExecutor:
        """The pool warmed for this stage; the last one is kept, so consecutive runs of one stage (the
        document pages, then the overview pages) share their workers."""
        if self._pool is not None and self._pool_warm == (warm, warm_args):
            return self._pool
        self._close_pool()
        self._pool, self._pool_warm = PoolExecutor(self.jobs, warm, warm_args), (warm, warm_args)
        return self._pool

    def _close_pool(self) -> None:
        if self._pool is not None:
            self.pool_restarts += self._pool.restarts
            self._pool.close()
            self._pool = None

    def close(self) -> None:
        self._close_pool()
        if self._dask is not None:
            self._dask.close()
            self._dask = None


class Sending:
    """The tasks for documents at ``positions``, each made as it is sent to the runner, and what
    the caller keeps of each until its result comes back (by the task's index): a stage of
    100,000 documents holds a few tasks, not a list of them. ``make(i)`` returns (kept, task)."""

    def __init__(self, positions, make: Callable):
        self.positions, self.make, self.kept = positions, make, {}

    def tasks(self):
        """A generator, or a list when there are too few for a pool to pay (they run here)."""
        def made():
            for j, i in enumerate(self.positions):
                self.kept[j], task = self.make(i)
                yield task
        return made() if len(self.positions) >= SMALL_RUN else list(made())

    def pop(self, j: int):
        return self.kept.pop(j)


class _Positions:
    """``i in positions`` for increasing i over a sorted array of positions, in one pass."""

    def __init__(self, positions):
        self._it = iter(positions)
        self._next = next(self._it, None)

    def __contains__(self, i: int) -> bool:
        while self._next is not None and self._next < i:
            self._next = next(self._it, None)
        return self._next == i


def _windowed(executor, window: int | None, fn, items):
    if window is None:
        yield from executor.imap(fn, items)
        return
    saved, executor.window = executor.window, window
    try:
        yield from executor.imap(fn, items)
    finally:
        executor.window = saved


# Workers may run in another folder (Dask), so they get absolute paths: os.path.abspath, not
# Path.resolve, which costs an lstat per path component (a tenth of the main process's time).

def source_paths(seeds: Path) -> list[str]:
    """The build's transcripts as path strings in collect_sources' order (strings: a Path object
    each would be the bulk of the encode stage's memory at 100,000 documents)."""
    seeds = Path(seeds)
    if not seeds.is_dir():
        return [str(p) for p in collect_sources([str(seeds)])]
    return [os.path.join(str(seeds), n) for n in sorted(e.name for e in os.scandir(seeds)
                                                       if os.path.splitext(e.name)[1] == ".txt" and e.is_file())]


# ------------------------------------------------------------------ worker tasks (module level: picklable)

def _writer(spec: dict):
    return worker_state(("encode", spec["out_dir"], spec["register_dir"], spec["register_fp"]),
                        lambda: make_writer(Path(spec["out_dir"]),
                                            Path(spec["register_dir"]) if spec["register_dir"] else None))


def warm_encode(spec: dict) -> None:
    _writer(spec)


def encode_task(item):
    """(spec, absolute path, path as the user gave it): workers may run in another folder (Dask)."""
    spec, source, shown = item
    res, data = encode_source(Path(source), _writer(spec))
    if source != shown:
        res.source = shown
        if res.error:
            res.error = res.error.replace(source, shown)
    return res, data


def warm_validate() -> None:
    from .validation.engine import SchemaRef, _load, kind_of, project_schemas
    for p in project_schemas():
        try:
            _load(SchemaRef(kind_of(str(p)), str(p), "default"))
        except Exception:  # noqa: BLE001 - validate_file reports it per document
            pass


def validate_task(item, data: bytes | None = None) -> dict:
    from .validation.engine import validate_file
    path, shown = item
    r = validate_file(Path(path), data=data)
    lines = [f"{shown}:{p.line}:{p.column}: {p.severity}: {p.message}"
             for p in r.problems if p.severity in ("error", "warning")]
    return {"status": r.status(), "errors": r.count("error"), "warnings": r.count("warning"), "lines": lines}


def _site_state(spec: dict):
    def build():
        from .site import load_register
        register = load_register(Path(spec["register_dir"]) if spec["register_dir"] else None)
        return {"register": register, "ids": register.ids(), "sheets": None, "node": None}
    return worker_state(("site", spec["register_dir"], spec["register_fp"]), build)


def _site_sheets(spec: dict):
    st = _site_state(spec)
    if st["sheets"] is None:
        from .site import Stylesheets
        st["sheets"] = Stylesheets()
        st["node"] = st["sheets"].proc.parse_xml(xml_text=st["register"].lookup_xml())
    return st["sheets"], st["node"]


def warm_site(spec: dict) -> None:
    _site_sheets(spec)


def summary_task(item, data: bytes | None = None) -> dict:
    from .site import summarise_file
    spec, path = item
    d = summarise_file(Path(path), _site_state(spec)["ids"], set(), data)
    return summary_to_dict(d)


def encode_ahead_task(item):
    """encode_task, then the later stages' per-document work on the new TEI while it is in memory:
    its validation and its site summary, as validate_task and summary_task would make them from
    the written file (one pass per document instead of three; results the stages then find done)."""
    spec, source, shown, target, target_shown = item
    res, data = encode_task((spec, source, shown))
    ahead: dict = {}
    if data is not None:
        try:
            if "validate" in spec["ahead"]:
                ahead["validate"] = validate_task((target, target_shown), data)
            if "summary" in spec["ahead"]:
                ahead["summary"] = summary_task((spec, target), data)
        except Exception:  # noqa: BLE001 - the stage itself will do it and report the error
            pass
    return res, data, ahead


def warm_encode_ahead(spec: dict) -> None:
    warm_encode(spec)
    if "validate" in spec["ahead"]:
        warm_validate()
    if "summary" in spec["ahead"]:
        _site_state(spec)


def page_task(item) -> str:
    from .site import render_document
    spec, path, params = item
    sheets, node = _site_sheets(spec)
    return render_document(sheets, Path(path), params, node)


def _recording(items, names: list):
    """Pass (spec, name, …) items through, keeping each name by its index (results come by index)."""
    for item in items:
        names.append(item[1])
        yield item


def overview_task(item) -> str:
    """One overview page (overview.Page's name, template and summary XML) as HTML."""
    spec, name, template, xml = item
    sheets, _ = _site_sheets(spec)
    return sheets.render_page(sheets.proc.parse_xml(xml_text=xml), template)


def _pdf_state(spec: dict):
    def build():
        from .pdf import PrintTransformer
        reg = Path(spec["register_dir"]) if spec["register_dir"] else None
        return PrintTransformer(reg, edition_title=spec.get("title"))
    return worker_state(("pdf", spec["register_dir"], spec["register_fp"], spec.get("title")), build)


def warm_pdf(spec: dict) -> None:
    from .pdf import _engine
    _pdf_state(spec)
    _engine()


def pdf_task(item) -> tuple[bytes, int]:
    from . import pdf
    spec, path, name = item
    tree = pdf.read_tei(path)
    pdf._check_tei(tree)
    html = _pdf_state(spec).single(name, tree)
    fc, _ = pdf._engine()
    document = pdf._render(html)
    data = document.write_pdf(pdf_variant=pdf.PDF_VARIANT, font_config=fc,
                              pdf_identifier=pdf._identifier(Path(f"{name}.pdf")))
    return data, len(document.pages)


# ------------------------------------------------------------------ the build

@dataclass
class BuildConfig:
    seeds_dir: Path
    tei_dir: Path
    site_dir: Path | None = Path("site")
    pdf_dir: Path | None = Path("pdf")
    register_dir: Path | None = None
    jobs: int | None = None
    scheduler: str | None = None
    force: bool = False
    verbose: bool = False
    volume: bool = True
    validate: bool = True
    progress: bool | None = None


@dataclass
class StageStats:
    name: str
    total: int = 0
    redone: int = 0
    failed: int = 0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def line(self) -> str:
        rate = self.redone / self.seconds if self.seconds > 0 and self.redone else 0.0
        made = self.extra.get("pages_made")
        pages = f"; {made} pages, {made / self.seconds:.1f} pages/s" if made and self.seconds > 0 else ""
        return (f"{self.name}: {self.total} documents, {self.redone} done, {self.total - self.redone} up to date, "
                f"{self.failed} failed ({self.seconds:.1f} s{f', {rate:.0f}/s' if rate else ''}){pages}")


class Build:
    def __init__(self, cfg: BuildConfig, runner: Runner | None = None):
        self.cfg = cfg
        self.runner = runner or Runner(cfg.jobs, cfg.scheduler)
        self.tei_dir = Path(cfg.tei_dir)
        self.tei_dir.mkdir(parents=True, exist_ok=True)
        reg = cfg.register_dir
        if reg is None:
            reg = self.tei_dir / "register"
            if not reg.is_dir():
                reg = PROJECT_ROOT / "tei" / "register"
        self.register_dir = Path(reg) if Path(reg).is_dir() else None
        self.manifest = BuildManifest.for_edition(self.tei_dir)
        self.snapshot = register_snapshot(self.register_dir)
        self.register_fp = sha(json.dumps(self.snapshot, sort_keys=True))
        self.stats: list[StageStats] = []
        self.failed_docs = 0
        self.writer = BackgroundWriter()  # files are written while the next results come in
        # stage -> documents whose work the encode workers did
        self.done_ahead = {stage: NameSet(self.manifest.db, f"ahead_{stage}") for stage in ("validate", "summary")}

    def _bar(self, label: str, total: int) -> Progress:
        return Progress(label, total, self.cfg.progress)

    def _spec(self, **extra) -> dict:
        return {"register_dir": str(self.register_dir.resolve()) if self.register_dir else None,
                "register_fp": self.register_fp, **extra}

    # -------------------------------------------------------------- 1. encode
    def encode(self) -> list[FileResult]:
        t0 = time.perf_counter()
        out = self.tei_dir
        sources = source_paths(self.cfg.seeds_dir)
        st = StageStats("encode", total=len(sources))
        spec = self._spec(out_dir=str(out.resolve()))
        xsd, sch = schema_hrefs(out)
        ref_base = _ref_base(out, self.register_dir) if self.register_dir else ""
        code = sha(code_fingerprint("encode"), xsd, sch, ref_base)
        old_snapshot = self.manifest.get_meta("register", {})
        changed_ids, changed_forms = changed_entries(old_snapshot, self.snapshot)
        records = self.manifest.stage("encode")
        tei_manifest = StoredManifest(self.manifest, out)
        results = ReportSpool()
        todo = array("I")  # indexes of the sources to encode; their keys are made again as they are sent

        def key_of(src: Path, raw: bytes | None = None) -> str:
            return sha(code, sha256(src.read_bytes() if raw is None else raw))
        for i, src in enumerate(map(Path, sources)):
            raw = src.read_bytes()
            key = key_of(src, raw)
            name = f"{src.stem}.xml"
            rec = records.get(src.stem)
            redo = self.cfg.force or rec is None or rec[0] != key or not (out / name).exists() \
                or name not in tei_manifest   # a build killed before it recorded what it wrote
            if not redo and changed_ids:
                ids = set(rec[1].get("ids", []))
                if ids & changed_ids or mentions_any(raw.decode("utf-8", "replace"), changed_forms):
                    redo = True
            if redo:
                todo.append(i)
            else:
                res = FileResult(**{k: v for k, v in rec[1]["result"].items()})
                res.status = "unchanged"
                results.add(i, res)
        bar = self._bar("encode", len(todo))
        spec["ahead"] = self.ahead_stages

        def make(i: int):
            src = Path(sources[i])
            return (i, src, key_of(src)), (spec, os.path.abspath(src), str(src),
                                           os.path.abspath(out / f"{src.stem}.xml"), str(out / f"{src.stem}.xml"))
        sending = Sending(todo, make)
        for j, ok, value in self.runner.run(encode_ahead_task, sending.tasks(), warm_encode_ahead, (spec,)):
            i, src, key = sending.pop(j)
            if not ok:
                res = FileResult(source=str(src), status="failed", error=f"{src}: {value}")
            else:
                res, data, ahead = value
                if data is not None:
                    handed: list = []
                    store_output(res, data, out, tei_manifest, self.cfg.force,
                                 write=lambda path, data: handed.append((path, data)))
                    if res.status != "skipped-hand-edited":
                        record = functools.partial(self._record_encoded, src.stem, key, dict(
                            res.as_dict(), status="written"), data, ahead)
                        if handed:
                            self.writer.write(*handed[0], then=record)  # recorded once it is on disk
                        else:
                            record()
            if res.status == "failed":
                st.failed += 1
                bar.echo(f"error: {res.error}")
            elif res.status == "skipped-hand-edited":
                bar.echo(f"skipped: {res.output} was edited by hand since it was generated; "
                         "use --force to overwrite it")
            results.add(i, res)
            bar.step()
        bar.close()
        self.writer.flush()
        tei_manifest.save()
        self.manifest.set_meta("register", self.snapshot)
        self.manifest.commit()
        st.redone = len(todo)
        st.seconds = time.perf_counter() - t0
        self.stats.append(st)
        self.failed_docs += st.failed
        self._report(results)
        return results.counts["failed"]

    def _key(self, code: str, h: str, ids: list[str]) -> str:
        """A per-document stage key: the stage's code, the document's bytes, the entries it refers to."""
        return sha(code, h, entries_key(self.snapshot, ids))

    @property
    def ahead_stages(self) -> tuple[str, ...]:
        """The later stages whose per-document work the encode workers do while they have the TEI."""
        return (("validate",) if self.cfg.validate else ()) + (("summary",) if self.cfg.site_dir is not None else ())

    def _record_encoded(self, stem: str, key: str, result: dict, data: bytes, ahead: dict) -> None:
        """Record a TEI file once it is on disk, with the validation and summary made ahead of their
        stages, under the keys those stages compute (so they find them done)."""
        ids = referenced_ids(data)
        self.manifest.put("encode", stem, key, {"result": result, "ids": ids})
        if not ahead:
            return
        name, h = f"{stem}.xml", sha256(data)
        for stage, value in ahead.items():
            self.manifest.put(stage, name, self._key(code_fingerprint(stage), h, ids), value)
            self.done_ahead[stage].add(name)

    def _report(self, results: ReportSpool) -> None:
        c = results.counts
        if self.cfg.verbose:
            for line in results.lines():
                click.echo(line)
        click.echo(f"{results.total} transcripts: {c['written']} written, {c['unchanged']} unchanged, "
                   f"{c['skipped-hand-edited']} skipped (hand-edited), {c['failed']} failed", err=True)
        summary = {"transcripts": results.total, "written": c["written"], "unchanged": c["unchanged"],
                   "skipped": c["skipped-hand-edited"], "failed": c["failed"], "dropped": results.dropped}
        write_if_changed(self.tei_dir / "conversion-report.json", results.json_chunks(summary))

    # -------------------------------------------------------------- inputs of the later stages
    def _tei_files(self) -> DocFiles:
        """(path, hash, referenced register ids) of every TEI document of the edition, by position."""
        out = DocFiles(self.manifest.db)
        for name in sorted(e.name for e in os.scandir(self.tei_dir)
                           if e.name.endswith(".xml") and not e.name.startswith(".") and e.is_file()):
            p = self.tei_dir / name
            data = p.read_bytes()
            out.add(p, sha256(data), referenced_ids(data))
        return out

    # -------------------------------------------------------------- 2. validate
    def validate(self, files) -> int:
        t0 = time.perf_counter()
        st = StageStats("validate", total=len(files))
        code = code_fingerprint("validate")
        records = self.manifest.stage("validate")
        todo = array("I")  # positions in files; keys are made again as they are sent
        invalid = 0
        ahead = self.done_ahead["validate"]
        code_key = functools.partial(self._key, code)
        for i, (path, h, ids) in enumerate(files):
            key = code_key(h, ids)
            rec = records.get(path.name)
            if rec is not None and rec[0] == key and (not self.cfg.force or path.name in ahead):
                if rec[1]["status"] != "valid":
                    invalid += 1
                    st.failed += path.name in ahead
                    for line in rec[1]["lines"]:
                        if ": error: " in line:
                            click.echo(line, err=True)
                st.redone += path.name in ahead   # validated by the encode workers
                continue
            todo.append(i)
        bar = self._bar("validate", len(todo))

        def make(i: int):
            path, h, ids = files[i]
            return (path, code_key(h, ids)), (os.path.abspath(path), str(path))
        sending = Sending(todo, make)
        for j, ok, value in self.runner.run(validate_task, sending.tasks(), warm_validate):
            path, key = sending.pop(j)
            if not ok:
                value = {"status": "unreadable", "errors": 1, "warnings": 0,
                         "lines": [f"{path}:0:0: error: cannot validate: {value}"]}
            if value["status"] != "valid":
                invalid += 1
                st.failed += 1
                for line in value["lines"]:
                    if ": error: " in line:
                        bar.echo(line)
            self.manifest.put("validate", path.name, key, value)
            bar.step()
        bar.close()
        self.manifest.commit()
        st.redone, st.seconds = st.redone + len(todo), time.perf_counter() - t0
        st.extra["invalid"] = invalid
        self.stats.append(st)
        click.echo(f"validate: {len(files)} files, {len(files) - invalid} valid, {invalid} invalid", err=True)
        return 1 if invalid else 0

    # -------------------------------------------------------------- 3. site
    def site(self, files, out: Path) -> int:
        from .sitestage import SiteStage
        return SiteStage(self, files, out).run()

    # -------------------------------------------------------------- 4. pdf
    def pdf(self, files, out: Path) -> int:
        from . import pdf as P
        t0 = time.perf_counter()
        out.mkdir(parents=True, exist_ok=True)
        st = StageStats("pdf", total=len(files))
        spec = self._spec(title=None)
        code = code_fingerprint("pdf")
        records = self.manifest.stage("pdf")
        # a file named like the volume gets "-document" added, which another file may already be called
        claimed: dict[str, str] = {}
        todo, good = array("I"), array("I")  # positions in files
        errors: list[str] = []
        pages = 0

        def name_of(path: Path) -> str:
            return path.stem if path.stem != P.VOLUME_NAME else f"{path.stem}-document"
        pdf_key = functools.partial(self._key, code)
        for i, (path, h, ids) in enumerate(files):
            name = name_of(path)
            if name == f"{P.VOLUME_NAME}-document":
                if name in claimed:
                    errors.append(f"error: {path}: cannot render PDF: another input ({claimed[name]}) already "
                                  f"writes {out / (name + '.pdf')}")
                    continue
                claimed[name] = str(path)
            rec = records.get(name)
            if not self.cfg.force and rec is not None and rec[0] == pdf_key(h, ids) and (out / f"{name}.pdf").exists():
                good.append(i)
                pages += rec[1].get("pages", 0)
            else:
                todo.append(i)
        for e in errors:
            click.echo(e, err=True)
        bar = self._bar("pdf", len(todo))

        def make(i: int):
            path, h, ids = files[i]
            return (i, name_of(path), path, pdf_key(h, ids)), (spec, os.path.abspath(path), name_of(path))
        sending = Sending(todo, make)
        for j, ok, value in self.runner.run(pdf_task, sending.tasks(), warm_pdf, (spec,)):
            i, name, path, key = sending.pop(j)
            if ok:
                data, n = value
                self.writer.write(out / f"{name}.pdf", data,
                                  then=functools.partial(self.manifest.put, "pdf", name, key, {"pages": n}))
                good.append(i)
                pages += n
                st.extra["pages_made"] = st.extra.get("pages_made", 0) + n
            else:
                errors.append(f"error: {path}: cannot render PDF: {value}")
                bar.echo(errors[-1])
                self.manifest.forget("pdf", name)
            bar.step()
        bar.close()
        self.writer.flush()
        good = array("I", sorted(good))  # the volume follows the files' order
        st.extra["pages"] = sum(records.get(name_of(files[i][0]), (None, {}))[1].get("pages", 0) for i in good)
        if self.cfg.volume and good:
            vkey = sha_of(chain((code, self.register_fp), (pdf_key(*files[i][1:]) for i in good)))
            target = out / f"{P.VOLUME_NAME}.pdf"
            if self.cfg.force or self.manifest.get_meta("volume") != vkey or not target.exists():
                try:  # the one output that holds every document at once
                    transformer = P.PrintTransformer(self.register_dir)
                    html = transformer.volume([(name_of(files[i][0]), P.read_tei(files[i][0])) for i in good])
                    P.render_volume_html(html, target)
                    self.manifest.set_meta("volume", vkey)
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"error: {P.VOLUME_NAME} ({len(good)} documents): cannot render PDF: {exc}")
                    click.echo(errors[-1], err=True)
        self.manifest.commit()
        st.redone, st.failed, st.seconds = len(todo), len(errors), time.perf_counter() - t0
        st.extra["pages_done"] = pages
        self.stats.append(st)
        click.echo(f"pdf: {len(good)} PDFs in {out}/ ({st.seconds:.1f} s); {len(errors)} failed", err=True)
        return 1 if errors else 0

    def close(self) -> None:
        try:
            self.writer.close()
        finally:
            self.manifest.close()
            self.runner.close()


def _copy_if_changed(src: Path, dst: Path, write=atomic_write) -> None:
    data = src.read_bytes()
    if dst.exists() and dst.stat().st_size == len(data) and dst.read_bytes() == data:
        return
    write(dst, data)


def run_build(cfg: BuildConfig, later_steps=()) -> int:
    """The whole build; returns the exit status (0: all went well)."""
    b = Build(cfg)
    status = 0
    for folder in (cfg.tei_dir, cfg.site_dir, cfg.pdf_dir):
        if folder is not None:
            remove_stale_temporaries(folder)      # what a killed build was writing when it died
    try:
        if cfg.verbose:
            click.echo(f"build: {b.runner.describe()}", err=True)
        status |= 1 if b.encode() else 0
        files = b._tei_files()
        if cfg.validate:
            status |= b.validate(files)
        if cfg.site_dir is not None:
            status |= b.site(files, Path(cfg.site_dir))
        if cfg.pdf_dir is not None:
            status |= b.pdf(files, Path(cfg.pdf_dir))
        def fingerprint() -> str:
            # inputs, and what stands in the output folders: a deleted site/api or site/pdf
            # must be made again even when no document changed
            outputs = (f"{d}:{name}" for d in (cfg.site_dir, cfg.pdf_dir) if d is not None and Path(d).is_dir()
                       for name in sorted(os.listdir(d)))
            return sha_of(chain([b.register_fp], (h for _, h, _ in files), outputs))
        before, done = fingerprint(), []
        for step in later_steps:
            key = f"step:{getattr(step, '__module__', '')}.{getattr(step, '__name__', '')}"
            if not cfg.force and b.manifest.get_meta(key) == before:
                continue
            rc = step(tei_dir=Path(cfg.tei_dir), verbose=cfg.verbose)
            status |= rc
            if rc == 0:
                done.append(key)
        after = fingerprint()           # what the steps left is what the next build compares with
        for key in done:
            b.manifest.set_meta(key, after)
        if cfg.verbose:
            for s in b.stats:
                click.echo(s.line(), err=True)
    finally:
        b.close()
    return status


# ------------------------------------------------------------------ `encode --jobs`

def encode_parallel(sources: list[Path], out_dir: Path, *, force: bool = False, register_dir: Path | None = None,
                    progress=None, jobs: int | None = None, scheduler: str | None = None) -> list[FileResult]:
    """encode_paths with worker processes: same results, same files."""
    reg = register_dir if register_dir is not None else PROJECT_ROOT / "tei" / "register"
    spec = {"out_dir": str(Path(out_dir).resolve()), "register_dir": str(Path(reg).resolve()) if Path(reg).is_dir()
            else None, "register_fp": ""}
    if spec["register_dir"]:
        spec["register_fp"] = sha(json.dumps(register_snapshot(Path(reg)), sort_keys=True))
    runner = Runner(jobs, scheduler)
    manifest = Manifest(out_dir)
    results: list[FileResult | None] = [None] * len(sources)
    try:
        for i, ok, value in runner.run(encode_task, [(spec, str(s.resolve()), str(s)) for s in sources],
                                             warm_encode, (spec,)):
            if not ok:
                res = FileResult(source=str(sources[i]), status="failed", error=f"{sources[i]}: {value}")
            else:
                res, data = value
                if data is not None:
                    store_output(res, data, out_dir, manifest, force)
            results[i] = res
            if progress:
                progress(sources[i])
    finally:
        runner.close()
        manifest.save()
    return results


# ------------------------------------------------------------------ `render html --jobs`

def render_html_parallel(paths, out_dir: Path, register_dir: Path | None, *, jobs: int | None = None,
                         scheduler: str | None = None) -> int:
    """`render html` with worker processes: the same site as site.build_site; returns the number of failures.

    Uses the site stage of the build with a throw-away manifest, so nothing is skipped."""
    import tempfile

    from .site import expand_paths
    files_in = expand_paths(paths)
    if register_dir is None and files_in:
        first = files_in[0] if files_in[0].is_dir() else files_in[0].parent
        register_dir = first / "register"
    with tempfile.TemporaryDirectory() as tmp:
        cfg = BuildConfig(seeds_dir=Path(tmp), tei_dir=Path(tmp), site_dir=Path(out_dir), register_dir=register_dir,
                          jobs=jobs, scheduler=scheduler, force=True)
        b = Build(cfg)
        if register_dir is None or not Path(register_dir).is_dir():
            b.register_dir, b.snapshot = None, {}
        try:
            files = []
            for p in files_in:
                data = p.read_bytes()
                files.append((p, sha256(data), referenced_ids(data)))
            return 0 if b.site(files, Path(out_dir)) == 0 else max(1, b.stats[-1].failed)
        finally:
            b.close()
