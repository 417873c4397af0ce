"""The build's site stage: summaries, one page per document, the overview pages.

A stage of :class:`pipeline.Build`, in four steps over the edition's TEI files
(``buildrecords.DocFiles`` or a list of ``(path, hash, ids)``):

1. summarise the documents whose summary is missing or stale (the encode workers
   did most of them already), and hash everything the site shows: when nothing
   changed and every page is there, the stage ends here;
2. put the summarised documents in date order (``SortedDocs``, on disk);
3. render the pages that are stale, walking the documents once with their
   neighbours (previous/next links); a page that fails is left out and its
   neighbours are made again to link past it;
4. make the overview pages from the stored summaries when any of them changed.
"""
from __future__ import annotations

import functools
import json
import os
import time
from array import array
from itertools import chain
from pathlib import Path

import click

from .buildrecords import NameSet, SortedDocs, StoredSummaries, summary_from_dict
from .incremental import code_fingerprint, entries_key, sha, sha_of
from .overview import all_pages as overview_page_specs, limits as overview_limits
from .pipeline import SMALL_RUN, Sending, StageStats, _copy_if_changed, _Positions, _recording, overview_task, \
    page_task, summary_task, warm_site
from .site import XSLT_DIR, SiteError, _safe_name, _write, load_register, page_params, remove_stale_overview_pages


class SiteStage:
    def __init__(self, build, files, out: Path):
        self.b, self.files, self.out = build, files, Path(out)
        self.errors: list[str] = []
        self.spec = build._spec()
        self.st = StageStats("site", total=len(files))
        self.summary_key = functools.partial(build._key, code_fingerprint("summary"))
        self.records = build.manifest.stage("summary")

    def _error(self, message: str, bar=None) -> None:
        self.errors.append(message)
        (bar.echo if bar else functools.partial(click.echo, err=True))(f"error: {message}")

    def run(self) -> int:
        t0 = time.perf_counter()
        todo, whole = self._keys()
        b, out = self.b, self.out
        if not todo and not b.cfg.force and b.manifest.get_meta("site") == whole and self._all_made_before():
            self._assets()
            self.st.seconds = time.perf_counter() - t0
            b.stats.append(self.st)
            click.echo(f"site: {len(self.files)} documents, nothing changed in {out}/ ({self.st.seconds:.1f} s)",
                       err=True)
            return 0
        unsummarised = self._summarise(todo)
        docs = self._documents(unsummarised)
        self._assets()
        redo, written = self._pages(docs)
        made = self._overview(written)
        b.manifest.set_meta("site", None if self.errors else whole)
        b.manifest.set_list("site-pages", chain((f"doc/{d.name}.html" for d in written),
                                                (f"tei/{d.name}.xml" for d in written),
                                                (f"{p}.html" for p in sorted(made))))
        b.manifest.commit()
        st = self.st
        st.redone, st.failed = redo, len(self.errors)  # pages; summaries redone are in extra
        st.seconds = time.perf_counter() - t0
        st.extra.update(summaries=len(todo) + len(b.done_ahead["summary"]), pages=redo, overview_pages=len(made))
        b.stats.append(st)
        click.echo(f"site: {len(written)} documents, {len(written) + len(made)} pages in {out}/ "
                   f"({st.seconds:.1f} s); {len(self.errors)} failed", err=True)
        return 1 if self.errors else 0

    # -------------------------------------------------------------- 1. what changed
    def _keys(self) -> tuple[array, str]:
        """(positions of the documents to summarise, key of everything the site shows), in one pass."""
        b, todo = self.b, array("I")
        ahead = b.done_ahead["summary"]

        def summary_keys():
            for i, (path, h, ids) in enumerate(self.files):
                key = self.summary_key(h, ids)
                rec = self.records.get(path.name)
                if rec is None or rec[0] != key or (b.cfg.force and path.name not in ahead):
                    todo.append(i)
                yield f"{path.name}={key}"
        whole = sha_of(chain((code_fingerprint("summary"), code_fingerprint("page"), code_fingerprint("pages"),
                              b.register_fp, overview_limits()), summary_keys()))
        return todo, whole

    def _all_made_before(self) -> bool:
        made_before = self.b.manifest.get_list("site-pages")
        first = next(made_before, None)
        return first is not None and all((self.out / rel).exists() for rel in chain([first], made_before))

    def _summarise(self, todo: array) -> set[str]:
        """Summarise the documents at ``todo``; returns the names of those that failed (few)."""
        failed: set[str] = set()

        def make(i: int):
            path, h, ids = self.files[i]
            return (path, self.summary_key(h, ids)), (self.spec, os.path.abspath(path))
        sending = Sending(todo, make)
        bar = self.b._bar("summarise", len(todo))
        for j, ok, value in self.b.runner.run(summary_task, sending.tasks(), warm_site, (self.spec,)):
            path, key = sending.pop(j)
            if ok:
                self.b.manifest.put("summary", path.name, key, value)
            else:
                failed.add(path.name)
                self._error(value if value.startswith(str(path)) else f"{path}: {value}", bar)
            bar.step()
        bar.close()
        return failed

    # -------------------------------------------------------------- 2. in date order
    def _documents(self, unsummarised: set[str]) -> SortedDocs:
        taken = NameSet(self.b.manifest.db, "page_names")  # page names given so far, lower-cased

        def summarised():
            """(page, title and date; TEI hash, ids; summary key) of each summarised document."""
            for path, h, ids in self.files:
                key = self.summary_key(h, ids)
                rec = self.records.get(path.name)
                if path.name not in unsummarised and rec is not None and rec[0] == key:
                    yield summary_from_dict(rec[1], path, _safe_name(path.stem, taken)).ref(), h, ids, key
        return SortedDocs.build(self.b.manifest.db, summarised(), "site_docs")

    def _assets(self) -> None:
        out, reg = self.out, self.b.register_dir
        for f in ("site.css", "site.js"):
            _copy_if_changed(XSLT_DIR / "assets" / f, out / "assets" / f)
        for f in sorted(reg.glob("*.xml")) if reg else ():
            _copy_if_changed(f, out / "tei" / "register" / f.name)

    # -------------------------------------------------------------- 3. document pages
    def _page_jobs(self, seq: SortedDocs):
        """(position, document, stylesheet parameters, key) of each page, walking seq once."""
        code_p = code_fingerprint("page")
        rows = seq.rows()
        before, cur = None, next(rows, None)
        i = 0
        while cur is not None:
            after = next(rows, None)
            d, (h, ids, _) = cur
            params = page_params(d, before[0] if before else None, after[0] if after else None)
            yield i, d, params, sha(code_p, h, json.dumps(params, sort_keys=True), entries_key(self.b.snapshot, ids))
            before, cur, i = cur, after, i + 1

    def _pages(self, docs: SortedDocs) -> tuple[int, SortedDocs]:
        """Render the stale pages; returns (pages made, the documents that have a page)."""
        b, out = self.b, self.out
        (out / "doc").mkdir(parents=True, exist_ok=True)
        (out / "tei").mkdir(parents=True, exist_ok=True)
        page_records = b.manifest.stage("page")

        def stale(d, key) -> bool:
            return b.cfg.force or page_records.get(d.name, ("",))[0] != key or \
                not (out / "doc" / f"{d.name}.html").exists()
        # which pages to make, as positions (4 bytes each); a second walk sends them
        redo = array("I", (i for i, d, _, key in self._page_jobs(docs) if stale(d, key)))
        in_flight: dict[int, tuple] = {}

        def items():
            wanted, j = _Positions(redo), 0
            for i, d, params, key in self._page_jobs(docs):
                if i in wanted:
                    in_flight[j] = (d, key)
                    j += 1
                    yield self.spec, os.path.abspath(d.path), params
        failed: set[str] = set()
        bar = b._bar("html", len(redo))
        for j, ok, value in b.runner.run(page_task, items() if len(redo) >= SMALL_RUN else list(items()), warm_site, (self.spec,)):
            d, key = in_flight.pop(j)
            if ok:
                b.writer.write(out / "doc" / f"{d.name}.html", value.encode("utf-8"),
                               then=functools.partial(b.manifest.put, "page", d.name, key))
            else:
                failed.add(d.name)
                self._error(value if value.startswith(str(d.path)) else f"{d.path}: {value}", bar)
                b.manifest.forget("page", d.name)
            bar.step()
        bar.close()
        for d in docs:
            if d.name not in failed:
                _copy_if_changed(d.path, out / "tei" / f"{d.name}.xml", b.writer.write)
        b.writer.flush()
        return len(redo), (self._link_past(docs, failed) if failed else docs)

    def _link_past(self, docs: SortedDocs, failed: set[str]) -> SortedDocs:
        """The documents less those whose page failed; their neighbours' pages made again to skip them."""
        neighbours = {d.name for i, d in enumerate(docs) if d.name not in failed and (
            (i > 0 and docs[i - 1].name in failed) or (i + 1 < len(docs) and docs[i + 1].name in failed))}
        written = docs.without(failed, "written_docs")
        again = [(d, params) for _, d, params, _ in self._page_jobs(written) if d.name in neighbours]
        for j, ok, value in self.b.runner.run(page_task, [(self.spec, os.path.abspath(d.path), p) for d, p in again],
                                              warm_site, (self.spec,)):
            d = again[j][0]
            if ok:
                _write(self.out / "doc" / f"{d.name}.html", value)
            self.b.manifest.forget("page", d.name)  # its key assumed the failed neighbour
        return written

    # -------------------------------------------------------------- 4. overview pages
    def _overview(self, written: SortedDocs) -> set[str]:
        """Make the overview pages when what they show changed; returns their names."""
        b, out = self.b, self.out
        # what they show follows from the summaries' keys, the page names and the register
        key = sha_of(chain((code_fingerprint("pages"), b.register_fp, overview_limits()),
                           (f"{d.name}={skey}" for d, (_, _, skey) in written.rows())))
        made = set(b.manifest.get_meta("overview-pages") or ())
        if not b.cfg.force and b.manifest.get_meta("overview") == key and made and \
                all((out / f"{p}.html").exists() for p in made):
            return made
        made, ok_all = set(), True
        pages = ((self.spec, page.name, page.template, page.xml)
                 for page in overview_page_specs(StoredSummaries(written, self.records), self._register(), written))
        names: list[str] = []
        # an overview page is up to a few MB of XML, then of HTML: one in flight per worker
        for j, ok, html in b.runner.run(overview_task, _recording(pages, names), warm_site, (self.spec,),
                                        window=b.runner.jobs):
            made.add(names[j])
            if ok:
                b.writer.write(out / f"{names[j]}.html", html.encode("utf-8"))
            else:
                self._error(f"{XSLT_DIR / 'site-pages.xsl'}: page {names[j]}: {html}")
                ok_all = False
        b.writer.flush()
        remove_stale_overview_pages(out, made)
        b.manifest.set_meta("overview", key if ok_all else None)
        b.manifest.set_meta("overview-pages", sorted(made))
        return made

    def _register(self):
        """Read only when overview pages are made (an unchanged rebuild does not need it)."""
        try:
            return load_register(self.b.register_dir)
        except SiteError as exc:
            from .site import Register
            self._error(f"register: {exc}")
            return Register()
