"""What the build keeps of each document between its stages, small and on disk where it can be.

- summaries of documents as plain data (what crosses process boundaries and the manifest),
  and a sequence that reads them back from the build manifest only when asked;
- the encode stage's per-document results, spooled to a temporary SQLite table until the
  conversion report is written in source order.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from .encode import FileResult


# ------------------------------------------------------------------ summaries as small data

def summary_to_dict(d) -> dict:
    return {"stem": Path(d.path).stem, "name": d.name, "title": d.title, "date": d.date, "archive": d.archive,
            "citation": d.citation, "abstract": d.abstract,
            "mentions": [[k, i, n] for (k, i), n in sorted(d.mentions.items())],
            "unknown": [list(u) for u in d.unknown], "events": [list(e) for e in d.events]}


def summary_from_dict(data: dict, path: Path, name: str):
    from collections import Counter

    from .site import DocSummary
    title = data["title"]
    if name != data["name"] and title == data["name"]:
        title = name  # the title fell back to the page name, which is now another
    return DocSummary(path=path, name=name, title=title, date=data["date"], archive=data["archive"],
                      citation=data["citation"], abstract=data["abstract"],
                      mentions=Counter({(k, i): n for k, i, n in data["mentions"]}),
                      unknown=[tuple(u) for u in data["unknown"]], events=[tuple(e) for e in data["events"]])


class StoredSummaries(Sequence):
    """The summaries of documents (site.DocRef, in date order) read back from the build manifest
    one at a time when asked: the overview pages of a large edition without all of them in memory."""

    def __init__(self, refs: list, records):
        self.refs, self.records = refs, records

    def __len__(self) -> int:
        return len(self.refs)

    def __getitem__(self, i: int):
        r = self.refs[i]
        return summary_from_dict(self.records.get(r.path.name)[1], r.path, r.name)


# ------------------------------------------------------------------ the conversion report

class ReportSpool:
    """The encode stage's per-document results, kept on disk (a temporary SQLite table) until the
    conversion report is written in source order: dropped lines and names for review are the bulk
    of a large build's memory otherwise."""

    def __init__(self):
        self.db = sqlite3.connect("")  # a private temporary database, deleted when closed
        self.db.execute("CREATE TABLE r (i INTEGER PRIMARY KEY, line TEXT, data TEXT)")
        self.counts = {"written": 0, "unchanged": 0, "skipped-hand-edited": 0, "failed": 0}
        self.total = self.dropped = 0

    def add(self, i: int, res: FileResult) -> None:
        line = "" if res.status == "failed" else (
            f"{res.source} -> {res.output} [{res.status}; layout {res.layout}; {len(res.dropped)} dropped; "
            f"{len(res.unknown_names)} names for review]")
        self.db.execute("INSERT OR REPLACE INTO r VALUES (?,?,?)",
                        (i, line, json.dumps(res.as_dict(), ensure_ascii=False)))  # C encoder: no indent
        self.counts[res.status] = self.counts.get(res.status, 0) + 1
        self.total += 1
        self.dropped += len(res.dropped)

    def lines(self):
        for (line,) in self.db.execute("SELECT line FROM r WHERE line != '' ORDER BY i"):
            yield line

    def json_chunks(self, summary: dict):
        """The report, {"files": [...], "summary": {...}}, one file's entry a line."""
        yield b'{"files": ['
        first = True
        for (data,) in self.db.execute("SELECT data FROM r ORDER BY i"):
            yield (("\n" if first else ",\n") + data).encode("utf-8")
            first = False
        yield ("]" if first else "\n]").encode() + b',\n"summary": ' + json.dumps(summary).encode() + b"}\n"
