"""The build manifest: what each build stage made from which inputs, so a rebuild redoes only what changed.

Per stage and document the manifest keeps a *key*, the hash of everything the
output depends on (the source or TEI bytes, the code and schema or stylesheet
files of that stage, the tool version, the register entries the document
refers to, its neighbours for a site page), and a little data (the conversion
report line, the validation verdict, the site summary, the PDF's page count).
A document whose key is unchanged and whose output is still there is skipped.

The register is tracked per entry: the manifest keeps each entry's hash and its
name forms. When the register changes, a document is re-tagged only when it
refers to a changed entry or its source text contains a name form of an entry
that was added or changed (so a new entry is found where it is mentioned).

Stored as SQLite beside the TEI files (``tei/.tei-encoder-build.sqlite``);
results are committed as they come in, so a killed build keeps what it finished.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import sqlite3
import time
from pathlib import Path

from lxml import etree

from . import __version__

BUILD_MANIFEST = ".tei-encoder-build.sqlite"
PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parents[1]
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: What each stage's output depends on, besides its document (paths relative to the package / project).
STAGE_CODE = {
    "encode": ["readers", "annotate", "writers", "encode.py", "textio.py", "model.py", "register.py",
               "errors.py", "data"],
    "validate": ["validation", "../../schemas"],
    "summary": ["site.py", "validation/xmlsafe.py"],
    "page": ["site.py", "validation/xmlsafe.py", "../../xslt/tei2html.xsl", "../../xslt/common.xsl"],
    "pages": ["site.py", "overview.py", "../../xslt/site-pages.xsl", "../../xslt/common.xsl"],
    "pdf": ["pdf.py", "../../xslt/tei2print.xsl", "../../xslt/tei2print.css", "../../xslt/common.xsl"],
}


def sha(*parts) -> str:
    return sha_of(parts)


def sha_of(parts) -> str:
    """sha(*parts) of an iterable taken one part at a time (a generator over the edition's documents
    is not unpacked into memory)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def _files(path: Path):
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc"):
                yield p
    elif path.is_file():
        yield path


_CODE_CACHE: dict[str, str] = {}


def code_fingerprint(stage: str) -> str:
    """Hash of the tool version and the files the stage's output depends on."""
    if stage not in _CODE_CACHE:
        h = hashlib.sha256(__version__.encode())
        for rel in STAGE_CODE[stage]:
            base = (PACKAGE / rel).resolve()
            for f in _files(base):
                h.update(str(f.relative_to(base.parent)).encode())
                h.update(hashlib.sha256(f.read_bytes()).digest())
        _CODE_CACHE[stage] = h.hexdigest()
    return _CODE_CACHE[stage]


# ------------------------------------------------------------------ the register, entry by entry

# Starts with a literal, so the regex engine can skip ahead to each 'ref="' (a leading \b made it try
# every byte); the byte before it is checked by hand: an attribute follows white space.
_REF = re.compile(rb'ref="[^"#]*#([^"\s]+)"')


def referenced_ids(tei: bytes) -> list[str]:
    """Register ids a TEI document refers to (from its @ref="…#id" values), sorted."""
    return sorted({sys.intern(m.group(1).decode("utf-8", "replace")) for m in _REF.finditer(tei)
                   if m.start() > 0 and tei[m.start() - 1] in b" \t\r\n"})  # interned: one copy per id


def register_snapshot(register_dir: Path | None) -> dict[str, list]:
    """{xml:id: [hash of the entry, [name forms]]} for every entry of every register file."""
    snap: dict[str, list] = {}
    if not register_dir or not Path(register_dir).is_dir():
        return snap
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for path in sorted(Path(register_dir).glob("*.xml")):
        try:
            tree = etree.parse(str(path), parser)
        except etree.XMLSyntaxError:
            snap[f"file:{path.name}"] = [sha(path.read_bytes()), []]
            continue
        for el in tree.getroot().iter():
            if not isinstance(el.tag, str) or el.get(XML_ID) is None:
                continue
            parent = el.getparent()
            if parent is None or not etree.QName(parent).localname.startswith("list"):
                continue
            forms = sorted({" ".join("".join(n.itertext()).split())
                            for n in el.iter(TEI + "persName", TEI + "placeName", TEI + "orgName")} - {""})
            snap[el.get(XML_ID)] = [sha(path.name, etree.tostring(el, method="c14n")), forms]
    return snap


def changed_entries(old: dict, new: dict) -> tuple[set[str], set[str]]:
    """(ids added, changed or removed; name forms of those entries, old and new)."""
    ids = {k for k in old.keys() | new.keys() if (old.get(k) or [None])[0] != (new.get(k) or [None])[0]}
    forms: set[str] = set()
    for k in ids:
        for snap in (old, new):
            if k in snap:
                forms.update(snap[k][1])
    return ids, forms


def entries_key(snapshot: dict, ids) -> str:
    """Hash of the register entries ``ids`` (absent ones count as absent)."""
    return sha(*(f"{i}={(snapshot.get(i) or ['-'])[0]}" for i in ids))


def mentions_any(text: str, forms: set[str]) -> bool:
    if not forms:
        return False
    flat = " ".join(text.split())
    return any(f in flat for f in forms)


# ------------------------------------------------------------------ the manifest

class StageRecords:
    def __init__(self, db: sqlite3.Connection, stage: str):
        self.db, self.stage = db, stage

    def get(self, name: str, default=None):
        row = self.db.execute("SELECT key, data FROM docs WHERE stage=? AND name=?", (self.stage, name)).fetchone()
        return (row[0], json.loads(row[1])) if row else default


class BuildManifest:
    """Per stage and document: the key of the inputs and a little data; plus a few run-wide values."""

    def __init__(self, path: str | Path, *, commit_every: float = 1.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS docs (stage TEXT, name TEXT, key TEXT, data TEXT, "
                        "PRIMARY KEY (stage, name))")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS lists (k TEXT, i INTEGER, v TEXT, PRIMARY KEY (k, i))")
        self.db.commit()
        self.commit_every = commit_every
        self._last = time.monotonic()

    @classmethod
    def for_edition(cls, tei_dir: Path) -> "BuildManifest":
        return cls(Path(tei_dir) / BUILD_MANIFEST)

    def stage(self, stage: str) -> "StageRecords":
        """A stage's records, looked up one document at a time (``.get(name)`` -> (key, data)):
        an edition of 100,000 documents is not held in memory."""
        return StageRecords(self.db, stage)

    def put(self, stage: str, name: str, key: str, data: dict | None = None) -> None:
        self.db.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?)",
                        (stage, name, key, json.dumps(data or {}, ensure_ascii=False, sort_keys=True)))
        self._maybe_commit()

    def forget(self, stage: str, name: str) -> None:
        self.db.execute("DELETE FROM docs WHERE stage=? AND name=?", (stage, name))
        self._maybe_commit()

    def get_meta(self, k: str, default=None):
        row = self.db.execute("SELECT v FROM meta WHERE k=?", (k,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, k: str, v) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (k, json.dumps(v, sort_keys=True)))
        self._maybe_commit()

    def set_list(self, k: str, values) -> None:
        """A run-wide list as long as the edition (e.g. every file the site stage made), stored row by row."""
        self.db.execute("DELETE FROM lists WHERE k=?", (k,))
        self.db.executemany("INSERT INTO lists VALUES (?,?,?)", ((k, i, v) for i, v in enumerate(values)))
        self._maybe_commit()

    def get_list(self, k: str):
        """The values of ``set_list(k, …)``, in order, one at a time."""
        for (v,) in self.db.execute("SELECT v FROM lists WHERE k=? ORDER BY i", (k,)):
            yield v

    def _maybe_commit(self) -> None:
        now = time.monotonic()
        if now - self._last >= self.commit_every:
            self.db.commit()
            self._last = now

    def commit(self) -> None:
        self.db.commit()
        self._last = time.monotonic()

    def close(self) -> None:
        self.db.commit()
        self.db.close()
