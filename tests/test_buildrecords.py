"""The build's per-document tables: kept in SQLite, they must give what the lists they replace gave."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from tei_encoder.buildrecords import DocFiles, NameSet, SortedDocs, StoredSummaries, summary_to_dict
from tei_encoder.incremental import BuildManifest
from tei_encoder.site import DocRef, DocSummary


@pytest.fixture
def manifest(tmp_path):
    m = BuildManifest(tmp_path / "build.sqlite")
    yield m
    m.close()


def _refs(n: int, seed: int = 7) -> list[DocRef]:
    """Documents with undated ones, equal dates, titles differing only in case, accents and non-Latin
    script: the cases where a database's order could differ from Python's."""
    rnd = random.Random(seed)
    titles = ["Memorandum", "memorandum", "Émigré report", "Zhou Enlai telegram", "Телеграмма", "ábc", "Abc",
              "", "Note 10", "Note 9", "朝鮮"]
    dates = ["", "1956-05-01", "1956-05-01", "1956-05", "1956", "1949-10-01T10:00", "1960-12-31"]
    return [DocRef(Path(f"tei/d{i:03}.xml"), f"d{i:03}", rnd.choice(titles), rnd.choice(dates)) for i in range(n)]


def test_sorted_docs_give_the_order_sort_key_gives(manifest):
    refs = _refs(300)
    rows = [(r, f"h{i}", [f"id{i}", "shared"], f"k{i}") for i, r in enumerate(refs)]
    docs = SortedDocs.build(manifest.db, iter(rows))
    expected = sorted(refs, key=lambda r: r.sort_key)
    assert len(docs) == 300
    assert list(docs) == expected
    assert [docs[i] for i in range(300)] == expected
    assert docs[-1] == expected[-1]
    with pytest.raises(IndexError):
        docs[300]
    by_name = {r.name: (h, ids, k) for r, h, ids, k in rows}
    assert [(r, inputs) for r, inputs in docs.rows()] == [(r, by_name[r.name]) for r in expected]


def test_sorted_docs_without_some_keep_the_order_of_the_rest(manifest):
    refs = _refs(50)
    docs = SortedDocs.build(manifest.db, ((r, "h", [], "k") for r in refs))
    gone = {refs[3].name, refs[17].name}
    rest = docs.without(gone, "rest")
    assert list(rest) == [r for r in sorted(refs, key=lambda r: r.sort_key) if r.name not in gone]
    assert len(docs) == 50  # the original stays as it was


def test_doc_files_and_name_set(manifest):
    files = DocFiles(manifest.db)
    for i in range(5):
        files.add(Path(f"tei/x{i}.xml"), f"h{i}", [f"p{i}", "q"] if i % 2 else [])
    assert len(files) == 5
    assert list(files) == [(Path(f"tei/x{i}.xml"), f"h{i}", [f"p{i}", "q"] if i % 2 else []) for i in range(5)]
    assert files[3] == (Path("tei/x3.xml"), "h3", ["p3", "q"])
    with pytest.raises(IndexError):
        files[5]
    seen = NameSet(manifest.db, "seen")
    seen.add("a.xml")
    seen.add("a.xml")
    assert "a.xml" in seen and "b.xml" not in seen and len(seen) == 1


def test_stored_summaries_read_back_in_date_order(manifest):
    from collections import Counter
    refs = _refs(40)
    for r in refs:
        s = DocSummary(path=r.path, name=r.name, title=r.title or r.name, date=r.date, archive="A", citation="",
                       abstract="", mentions=Counter({("person", "p1"): 2}), unknown=[], events=[])
        manifest.put("summary", r.path.name, "key", summary_to_dict(s))
    docs = SortedDocs.build(manifest.db, ((r, "h", [], "key") for r in refs))
    summaries = StoredSummaries(docs, manifest.stage("summary"))
    walked = list(summaries)  # one joined query
    assert [s.name for s in walked] == [d.name for d in docs]
    assert [(s.name, s.date, dict(s.mentions)) for s in walked] == \
        [(summaries[i].name, summaries[i].date, dict(summaries[i].mentions)) for i in range(len(summaries))]


def test_stored_manifest_writes_the_file_manifest_writes_and_follows_its_edits(tmp_path, manifest):
    from tei_encoder.buildrecords import StoredManifest
    from tei_encoder.fileio import MANIFEST, Manifest
    folder = tmp_path / "tei"
    folder.mkdir()
    names = ["b.xml", "a.xml", "Ärger.xml", "z-10.xml", "z-9.xml"]
    for n in names:
        (folder / n).write_bytes(n.encode())
    stored = StoredManifest(manifest, folder)
    assert (stored.hand_edited("a.xml"), "a.xml" in stored) == (True, False)  # there, not written by the tool
    for n in names:
        stored.record(n, n.encode())
    assert not (folder / MANIFEST).exists()        # recorded only when saved, like Manifest
    stored.save()
    plain = tmp_path / "plain"
    plain.mkdir()
    m = Manifest(plain)
    for n in names:
        m.record(n, n.encode())
    m.save()
    assert (folder / MANIFEST).read_bytes() == (plain / MANIFEST).read_bytes()
    assert not any(stored.hand_edited(n) for n in names)
    (folder / "a.xml").write_bytes(b"edited by hand")
    assert stored.hand_edited("a.xml")
    # another command (encode) rewrites the JSON: a new StoredManifest reads it again
    other = Manifest(folder)
    other.record("a.xml", b"edited by hand")
    other.save()
    again = StoredManifest(manifest, folder)
    assert not again.hand_edited("a.xml") and "z-9.xml" in again
    # a build that records and is killed before saving leaves the record as it was
    again.record("new.xml", b"x")
    (folder / "new.xml").write_bytes(b"x")
    manifest.commit()
    after_kill = StoredManifest(BuildManifest(manifest.path), folder)
    assert "new.xml" not in after_kill and after_kill.hand_edited("new.xml")


def test_stored_manifest_of_an_empty_folder_is_what_manifest_writes(tmp_path, manifest):
    from tei_encoder.buildrecords import StoredManifest
    from tei_encoder.fileio import MANIFEST, Manifest
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    StoredManifest(manifest, tmp_path / "a").save()
    Manifest(tmp_path / "b").save()
    assert (tmp_path / "a" / MANIFEST).read_bytes() == (tmp_path / "b" / MANIFEST).read_bytes()
