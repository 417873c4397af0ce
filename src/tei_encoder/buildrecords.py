"""What the build keeps of each document between its stages, on disk rather than in memory.

- summaries of documents as plain data (what crosses process boundaries and the manifest),
  and a sequence that reads them back from the build manifest only when asked;
- the edition's TEI files (path, hash, register ids) and the site's documents in date order,
  in temporary tables of the build manifest's database (``DocFiles``, ``SortedDocs``), and
  the names of documents whose later stages the encode workers did (``NameSet``): the main
  process walks them instead of holding lists, so its memory does not grow with the edition;
- the encode stage's per-document results, spooled to a temporary SQLite table until the
  conversion report is written in source order.

Temporary tables (``temp.…``) belong to one connection and vanish with it; being in the
manifest's connection, they can be joined with the stored summaries.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from .encode import FileResult
from .fileio import MANIFEST, Manifest, sha256, write_if_changed


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
    """The summaries of documents (``SortedDocs``, or a list of site.DocRef, in date order) read back
    from the build manifest when asked: the overview pages of a large edition without all of them
    in memory."""

    def __init__(self, refs, records):
        self.refs, self.records = refs, records

    def __len__(self) -> int:
        return len(self.refs)

    def __getitem__(self, i: int):
        r = self.refs[i]
        return summary_from_dict(self.records.get(r.path.name)[1], r.path, r.name)

    def __iter__(self):
        if isinstance(self.refs, SortedDocs):  # one joined query instead of two lookups a document
            for path, name, data in self.refs.joined_with(self.records.stage):
                p = Path(path)
                yield summary_from_dict(json.loads(data), p, name)
        else:
            yield from (self[i] for i in range(len(self)))


# ------------------------------------------------------------------ per-document tables

def _temp_table(db: sqlite3.Connection, name: str, columns: str) -> str:
    """An empty temporary table (emptied, not dropped: SQLite refuses DROP TABLE while any query of
    the connection is still open, e.g. a generator left half-read)."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
    db.execute(f"DELETE FROM temp.{name}")
    return f"temp.{name}"


class DocFiles(Sequence):
    """The edition's TEI files in a fixed order: ``(path, hash of its bytes, register ids it refers
    to)`` by position, as a list of those would give them."""

    def __init__(self, db: sqlite3.Connection, name: str = "files"):
        self.db = db
        self.table = _temp_table(db, name, "i INTEGER PRIMARY KEY, path TEXT, hash TEXT, ids TEXT")
        self._n = 0

    def add(self, path: Path, h: str, ids: list[str]) -> None:
        self.db.execute(f"INSERT INTO {self.table} VALUES (?,?,?,?)", (self._n, str(path), h, " ".join(ids)))
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int):
        if not -self._n <= i < self._n:
            raise IndexError(i)
        path, h, ids = self.db.execute(f"SELECT path, hash, ids FROM {self.table} WHERE i=?",
                                       (i % self._n,)).fetchone()
        return Path(path), h, ids.split()

    def __iter__(self):
        for path, h, ids in self.db.execute(f"SELECT path, hash, ids FROM {self.table} ORDER BY i"):
            yield Path(path), h, ids.split()


class SortedDocs(Sequence):
    """The site's documents in date order (``site.DocSummary.sort_key``) as ``site.DocRef`` by
    position, each with the hash and register ids of its TEI and the key of its summary
    (``rows()``). Made by ``SortedDocs.build`` from (DocRef, hash, ids, summary key) rows."""

    COLUMNS = "path, name, title, date, hash, ids, skey"

    def __init__(self, db: sqlite3.Connection, table: str, n: int):
        self.db, self.table, self._n = db, table, n

    @classmethod
    def build(cls, db: sqlite3.Connection, rows, name: str = "sorted_docs") -> "SortedDocs":
        staging = _temp_table(db, name + "_in", "k_undated INT, k_date TEXT, k_title TEXT, file TEXT, " + cls.COLUMNS)
        db.executemany(f"INSERT INTO {staging} VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       ((0 if r.date else 1, r.date, r.title.lower(), r.path.name, str(r.path), r.name, r.title,
                         r.date, h, " ".join(ids), skey) for r, h, ids, skey in rows))
        table = _temp_table(db, name, "seq INTEGER PRIMARY KEY, file TEXT, " + cls.COLUMNS)
        # SQLite compares text as UTF-8 bytes, which orders like Python's str (by code point); the
        # page names are unique, so the order is total, as sorting by DocSummary.sort_key gives it
        db.execute(f"INSERT INTO {table} (file, {cls.COLUMNS}) SELECT file, {cls.COLUMNS} FROM {staging} "
                   "ORDER BY k_undated, k_date, k_title, name")
        db.execute(f"DELETE FROM {staging}")
        n = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return cls(db, table, n)

    def without(self, names: set[str], name: str) -> "SortedDocs":
        """The same documents, in the same order, less those whose page is named in ``names``."""
        return SortedDocs.build(self.db, ((r, h, ids, skey) for r, (h, ids, skey) in self.rows()
                                          if r.name not in names), name)

    def __len__(self) -> int:
        return self._n

    def _row(self, i: int):
        if not -self._n <= i < self._n:
            raise IndexError(i)
        return self.db.execute(f"SELECT {self.COLUMNS} FROM {self.table} WHERE seq=?", (i % self._n + 1,)).fetchone()

    def __getitem__(self, i: int):
        return _ref(self._row(i))

    def rows(self):
        for row in self.db.execute(f"SELECT {self.COLUMNS} FROM {self.table} ORDER BY seq"):
            yield _ref(row), (row[4], row[5].split(), row[6])

    def __iter__(self):
        return (ref for ref, _ in self.rows())

    def joined_with(self, stage: str):
        """(path, page name, stored data) of each document's record of ``stage``, in date order."""
        yield from self.db.execute(f"SELECT s.path, s.name, d.data FROM {self.table} s JOIN docs d "
                                   "ON d.stage=? AND d.name=s.file ORDER BY s.seq", (stage,))


def _ref(row):
    from .site import DocRef
    path, name, title, date = row[:4]
    return DocRef(Path(path), name, title, date)


class NameSet:
    """A set of names kept in a temporary table (``add``, ``in``, ``len``)."""

    def __init__(self, db: sqlite3.Connection, name: str):
        self.db, self.table = db, _temp_table(db, name, "name TEXT PRIMARY KEY")

    def add(self, name: str) -> None:
        self.db.execute(f"INSERT OR IGNORE INTO {self.table} VALUES (?)", (name,))

    def __contains__(self, name: str) -> bool:
        return self.db.execute(f"SELECT 1 FROM {self.table} WHERE name=?", (name,)).fetchone() is not None

    def __len__(self) -> int:
        return self.db.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]


# ------------------------------------------------------------------ what the tool wrote (hand edits)

class StoredManifest:
    """``fileio.Manifest`` (the hash of each file the tool wrote into the TEI folder, to tell hand
    edits) for a build, without parsing or holding the JSON file whole: at 100,000 documents it is
    ~40 MB of text.

    The JSON file stays the record that other commands (``encode``) read and write. A table of the
    build manifest mirrors it and is reloaded from it whenever the file is not the one the last
    build wrote (its size and modification time). What a build records goes into a temporary table
    first and reaches the mirror and the JSON only at ``save()``, as with ``Manifest``: a killed
    build has recorded nothing."""

    def __init__(self, build_manifest, folder: str | Path):
        self.build, self.db = build_manifest, build_manifest.db
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST
        self.db.execute("CREATE TABLE IF NOT EXISTS tool_files (name TEXT PRIMARY KEY, hash TEXT)")
        self.pending = _temp_table(self.db, "tool_files_pending", "name TEXT PRIMARY KEY, hash TEXT")
        if self._stamp() != build_manifest.get_meta("tool-files-json"):
            self.db.execute("DELETE FROM tool_files")
            self.db.executemany("INSERT OR REPLACE INTO tool_files VALUES (?,?)",
                                Manifest(self.folder).entries.items())
            build_manifest.set_meta("tool-files-json", self._stamp())
            build_manifest.commit()
        self.changed = False

    def _stamp(self):
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return [st.st_size, st.st_mtime_ns]

    def recorded(self, name: str) -> str | None:
        for table in (self.pending, "tool_files"):
            row = self.db.execute(f"SELECT hash FROM {table} WHERE name=?", (name,)).fetchone()
            if row:
                return row[0]
        return None

    def __contains__(self, name: str) -> bool:
        return self.recorded(name) is not None

    def hand_edited(self, name: str) -> bool:
        """True when ``name`` exists and is not byte-for-byte what the tool last wrote."""
        target = self.folder / name
        if not target.exists():
            return False
        recorded = self.recorded(name)
        return recorded is None or recorded != sha256(target.read_bytes())

    def record(self, name: str, data: bytes) -> None:
        h = sha256(data)
        if self.recorded(name) != h:
            self.db.execute(f"INSERT OR REPLACE INTO {self.pending} VALUES (?,?)", (name, h))
            self.changed = True

    def _json_chunks(self):
        """The file as Manifest.save writes it (json.dumps(…, indent=1), names sorted)."""
        rows = self.db.execute(f"SELECT name, hash FROM tool_files WHERE name NOT IN (SELECT name FROM {self.pending}) "
                               f"UNION ALL SELECT name, hash FROM {self.pending} ORDER BY name")
        yield b'{\n "tool": "tei-encoder",\n "files": {'
        first = True
        for name, h in rows:
            yield ("\n  " if first else ",\n  ").encode() + json.dumps(name).encode() + b": " + json.dumps(h).encode()
            first = False
        yield b"}\n}\n" if first else b"\n }\n}\n"

    def save(self) -> None:
        if not self.changed and self.path.exists():
            return
        write_if_changed(self.path, self._json_chunks())  # first the file, then the mirror
        self.db.execute(f"INSERT OR REPLACE INTO tool_files SELECT name, hash FROM {self.pending}")
        self.db.execute(f"DELETE FROM {self.pending}")
        self.build.set_meta("tool-files-json", self._stamp())
        self.build.commit()
        self.changed = False


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
