"""Archive scale (issue 11): parallel, incremental, Dask and fault-tolerant builds, on small generated corpora."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REGISTER, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_corpus  # noqa: E402

EXE = Path(sys.executable).parent / "tei-encoder"
N_DOCS = 24


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    make_corpus.generate(N_DOCS, out)
    return out


def edition(tmp: Path, name: str) -> Path:
    root = tmp / name
    (root / "tei").mkdir(parents=True)
    shutil.copytree(REGISTER, root / "tei" / "register")
    return root


def build(root: Path, corpus: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, CI="true")
    r = subprocess.run([str(EXE), "build", "--seeds", str(corpus), "--tei", "tei", "--no-volume",
                        "--stages", "encode,validate,site", *args],
                       cwd=root, env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def tree(root: Path) -> dict[str, bytes]:
    """Every output file by relative path (the build manifest and the run's report excluded)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".tei-encoder-build.sqlite" not in p.name and p.name != "conversion-report.json":
            out[str(p.relative_to(root))] = p.read_bytes()
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus):
    """The edition built in one process: what every other way of building must reproduce."""
    root = edition(tmp_path_factory.mktemp("ref"), "ed")
    build(root, corpus, "--jobs", "1")
    return root


def test_make_corpus_is_deterministic_and_keeps_layouts(tmp_path, corpus):
    again = make_corpus.generate(N_DOCS, tmp_path / "again")
    assert {p.name: p.read_bytes() for p in again} == {p.name: p.read_bytes() for p in corpus.iterdir()}
    texts = [p.read_text("utf-8") for p in sorted(corpus.iterdir())]
    assert len(set(texts)) == N_DOCS
    tpls = make_corpus.templates()
    for i, t in enumerate(texts):  # the layout's first line (boilerplate or heading) is kept
        assert t.splitlines()[0][:5] == tpls[i % len(tpls)].read_text("utf-8").splitlines()[0][:5]


def test_parallel_build_is_byte_identical(tmp_path, corpus, reference):
    root = edition(tmp_path, "par")
    r = build(root, corpus, "--jobs", "2")
    assert "24 transcripts: 24 written" in r.stderr
    ref = tree(reference)
    got = tree(root)
    assert sorted(got) == sorted(ref)
    assert [k for k in ref if ref[k] != got[k]] == []
    assert sum(k.startswith("site/doc/") for k in got) == N_DOCS


def test_unchanged_rebuild_redoes_nothing_and_force_redoes_all(tmp_path, corpus, reference):
    root = tmp_path / "ed"
    shutil.copytree(reference, root)
    r = build(root, corpus, "--jobs", "1", "-v")
    assert "0 written, 24 unchanged" in r.stderr
    assert "encode: 24 documents, 0 done" in r.stderr and "validate: 24 documents, 0 done" in r.stderr
    assert "site: 24 documents, 0 done" in r.stderr
    assert "nothing changed" in r.stderr
    page = sorted((root / "site" / "doc").glob("*.html"))[3]
    page.unlink()                                # a page gone from the site is made again
    (root / "site" / "persons.html").unlink()
    r = build(root, corpus, "--jobs", "1", "-v")
    assert "site: 24 documents, 1 done" in r.stderr and page.exists() and (root / "site" / "persons.html").exists()
    r = build(root, corpus, "--jobs", "1", "-v", "--force")
    assert "encode: 24 documents, 24 done" in r.stderr
    assert tree(root) == tree(reference)


def test_one_changed_source_redoes_one_document_and_its_neighbours(tmp_path, corpus, reference):
    src = tmp_path / "src"
    shutil.copytree(corpus, src)
    root = tmp_path / "ed"
    shutil.copytree(reference, root)
    f = sorted(src.iterdir())[5]
    f.write_text(f.read_text("utf-8").replace("the ", "the  ", 1), "utf-8")
    r = build(root, src, "--jobs", "1", "-v")
    assert "encode: 24 documents, 1 done" in r.stderr
    assert "validate: 24 documents, 1 done" in r.stderr


def test_register_change_retags_only_documents_that_mention_it(tmp_path, corpus, reference):
    root = tmp_path / "ed"
    shutil.copytree(reference, root)
    places = root / "tei" / "register" / "places.xml"
    text = places.read_text("utf-8")
    # a description changes for one entry: only documents referring to it are redone
    target = "xml:id=\"pyongyang\""
    assert target in text
    i = text.index(target)
    j = text.index("</note>", i)
    places.write_text(text[:j] + " (edited)" + text[j:], "utf-8")
    mentioning = [p for p in (root / "tei").glob("*.xml") if b"#pyongyang\"" in p.read_bytes()]
    assert 0 < len(mentioning) < N_DOCS
    r = build(root, corpus, "--jobs", "1", "-v")
    import re
    done = int(re.search(r"encode: 24 documents, (\d+) done", r.stderr).group(1))
    # the documents that refer to it, and any whose text has one of its names (the tagger may link it now)
    assert len(mentioning) <= done < N_DOCS, r.stderr
    # and the result is what a full rebuild with the new register gives
    full = tmp_path / "full"
    shutil.copytree(root, full)
    build(full, corpus, "--jobs", "1", "--force")
    assert tree(root) == tree(full)


def test_hand_edited_tei_is_kept(tmp_path, corpus, reference):
    root = tmp_path / "ed"
    shutil.copytree(reference, root)
    f = sorted((root / "tei").glob("*.xml"))[3]
    raw = f.read_bytes()
    at = raw.index(b"</p>", raw.index(b"<body"))
    edited = raw[:at] + b" Editorial note by hand." + raw[at:]
    f.write_bytes(edited)
    src = sorted(corpus.iterdir())[3]
    assert src.stem == f.stem
    srcs = tmp_path / "src"
    shutil.copytree(corpus, srcs)
    (srcs / src.name).write_text(src.read_text("utf-8") + "\n\nA new closing line.\n", "utf-8")
    r = build(root, srcs, "--jobs", "2")
    assert "edited by hand" in r.stderr
    assert f.read_bytes() == edited
    assert b"Editorial note by hand." in (root / "site" / "doc" / f"{f.stem}.html").read_bytes()


def test_failing_document_is_reported_and_the_rest_goes_on(tmp_path, corpus, reference):
    srcs = tmp_path / "src"
    shutil.copytree(corpus, srcs)
    (srcs / "zz_broken.txt").write_bytes(b"")
    root = edition(tmp_path, "ed")
    r = build(root, srcs, "--jobs", "2", check=False)
    assert r.returncode == 1
    assert "zz_broken" in r.stderr
    assert len(list((root / "site" / "doc").glob("*.html"))) == N_DOCS


def _leaf_workers(pid: int):
    import psutil
    try:
        kids = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [k for k in kids if not k.children()]


def test_killed_worker_loses_nothing(tmp_path, corpus, reference):
    """A worker process killed mid-build: the pool is restarted, the build completes, nothing half-written."""
    root = edition(tmp_path, "ed")
    env = dict(os.environ, CI="true")
    p = subprocess.Popen([str(EXE), "build", "--seeds", str(corpus), "--tei", "tei", "--no-volume", "--jobs", "2",
                          "--stages", "encode,validate,site"], cwd=root, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None and killed is None:
        if len(list((root / "tei").glob("*.xml"))) >= 1:
            leaves = _leaf_workers(p.pid)
            if len(leaves) >= 2:
                killed = leaves[0].pid
                os.kill(killed, signal.SIGKILL)
                break
        time.sleep(0.05)
    out, err = p.communicate(timeout=600)
    assert killed is not None, "no worker to kill"
    assert p.returncode == 0, err
    assert not list(root.rglob("*.tmp"))
    assert tree(root) == tree(reference)


def test_killed_build_resumes_with_what_is_missing(tmp_path, corpus, reference):
    root = edition(tmp_path, "ed")
    env = dict(os.environ, CI="true")
    p = subprocess.Popen([str(EXE), "build", "--seeds", str(corpus), "--tei", "tei", "--no-volume", "--jobs", "2",
                          "--stages", "encode,validate,site"], cwd=root, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:
        if (root / "site" / "doc").is_dir() or len(list((root / "tei").glob("*.xml"))) >= N_DOCS:
            break
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=60)
    for f in (root / "tei").glob("*.xml"):  # every file there is whole
        assert f.read_bytes().rstrip().endswith(b"</TEI>")
    r = build(root, corpus, "--jobs", "2", "-v")
    assert "encode: 24 documents, 0 done" in r.stderr or "unchanged" in r.stderr
    assert tree(root) == tree(reference)


def test_dask_cluster_build_is_byte_identical(tmp_path, corpus, reference):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        root = edition(tmp_path, "dask")
        r = build(root, corpus, "--scheduler", cluster.scheduler_address, "-v")
        assert "Dask" in r.stderr
        ref, got = tree(reference), tree(root)
        assert sorted(got) == sorted(ref)
        assert [k for k in ref if ref[k] != got[k]] == []


def test_deleted_outputs_of_the_later_steps_are_made_again(tmp_path, corpus):
    """An unchanged edition whose site/ was deleted gets its exports (CMIF, DTS files) back."""
    root = edition(tmp_path, "ed")
    build(root, corpus, "--jobs", "1", "--stages", "encode,site,exports")
    assert (root / "site" / "cmif.xml").exists() and (root / "site" / "api").is_dir()
    shutil.rmtree(root / "site")
    build(root, corpus, "--jobs", "1", "--stages", "encode,site,exports")
    assert (root / "site" / "cmif.xml").exists() and (root / "site" / "api").is_dir()


def test_a_killed_builds_temporary_files_are_cleared(tmp_path, corpus, reference):
    """A build killed between writing a temporary file and renaming it leaves '.NAME.tmp' behind;
    the next build removes it and the edition is exactly the reference."""
    root = edition(tmp_path, "ed")
    build(root, corpus, "--jobs", "1")
    page = next((root / "site" / "doc").glob("*.html"))
    (page.parent / f".{page.name}.x1y2z3.tmp").write_text("<html>half", "utf-8")
    (root / "tei" / ".doc.xml.abc.tmp").write_text("<TEI>", "utf-8")
    build(root, corpus, "--jobs", "1")
    assert tree(root) == tree(reference)


def test_a_build_killed_before_recording_its_files_does_not_take_them_for_hand_edits(tmp_path, corpus, reference):
    """The build manifest may know a document whose TEI the hand-edit manifest never recorded
    (killed in between): the next build records it again instead of treating it as edited by hand."""
    root = edition(tmp_path, "ed")
    build(root, corpus, "--jobs", "1")
    manifest = root / "tei" / ".tei-encoder-manifest.json"
    manifest.write_text('{"tool": "tei-encoder", "files": {}}\n', "utf-8")
    r = build(root, corpus, "--jobs", "1")
    assert "edited by hand" not in r.stderr
    assert tree(root) == tree(reference)


def test_validation_and_summaries_made_while_encoding_equal_the_stages_own(tmp_path, corpus, reference):
    """The encode workers validate and summarise each new TEI document in memory; the build manifest
    must then hold exactly what the validate and site stages make from the written files."""
    import json
    import sqlite3

    from tei_encoder.pipeline import summary_task, validate_task
    db = sqlite3.connect(reference / "tei" / ".tei-encoder-build.sqlite")
    records = {(stage, name): json.loads(data) for stage, name, data in
               db.execute("SELECT stage, name, data FROM docs WHERE stage IN ('validate', 'summary')")}
    files = sorted((reference / "tei").glob("*.xml"))
    assert len(files) == N_DOCS and len(records) == 2 * N_DOCS
    spec = {"register_dir": str((reference / "tei" / "register").resolve()), "register_fp": "test"}
    for f in files:
        assert records[("validate", f.name)] == validate_task((str(f.resolve()), str(Path("tei") / f.name)))
        assert records[("summary", f.name)] == summary_task((spec, str(f.resolve())))
    # a rebuild finds them done; a TEI file changed on disk is validated again by the stage
    root = tmp_path / "ed"
    shutil.copytree(reference, root)
    assert "validate: 24 documents, 0 done, 24 up to date" in build(root, corpus, "--jobs", "1", "-v").stderr
    edited = files[0].name
    path = root / "tei" / edited
    path.write_bytes(path.read_bytes().replace(b"<body>", b"<body><bogus/>", 1))
    r = build(root, corpus, "--jobs", "1", "-v", check=False)
    assert "validate: 24 documents, 1 done, 23 up to date, 1 failed" in r.stderr and f"{edited}:" in r.stderr


def test_build_conversion_report_lists_every_transcript_in_source_order(tmp_path, corpus, reference):
    """The report is spooled to disk while results arrive in any order; it comes out in source order."""
    import json
    report = json.loads((reference / "tei" / "conversion-report.json").read_text("utf-8"))
    sources = [f["source"] for f in report["files"]]
    assert [Path(s).name for s in sources] == sorted(p.name for p in corpus.iterdir())
    assert report["summary"] == {"transcripts": N_DOCS, "written": N_DOCS, "unchanged": 0, "skipped": 0,
                                 "failed": 0, "dropped": sum(len(f.get("dropped", [])) for f in report["files"])}
    assert all(f["status"] == "written" and f["layout"] for f in report["files"])
    root = tmp_path / "ed"
    shutil.copytree(reference, root)
    build(root, corpus, "--jobs", "2")
    again = json.loads((root / "tei" / "conversion-report.json").read_text("utf-8"))
    assert [f["status"] for f in again["files"]] == ["unchanged"] * N_DOCS
    assert [{k: v for k, v in f.items() if k != "status"} for f in again["files"]] == \
           [{k: v for k, v in f.items() if k != "status"} for f in report["files"]]


def test_a_page_that_fails_is_left_out_and_its_neighbours_link_past_it(tmp_path, monkeypatch):
    """A document whose page cannot be rendered: one error naming it, and the rest of the site is
    exactly the site of the edition without it (neighbours' previous/next links, indexes)."""
    from tei_encoder import site
    from tei_encoder.pipeline import render_html_parallel
    files = sorted((ROOT / "tei").glob("*.xml"))
    broken = files[2]
    real = site.render_document

    def render(sheets, path, params, node):
        if Path(path).name == broken.name:
            raise site.SiteError(f"{path}: cannot render (test)")
        return real(sheets, path, params, node)
    monkeypatch.setattr(site, "render_document", render)
    assert render_html_parallel(files, tmp_path / "with", REGISTER, jobs=1) == 1
    monkeypatch.setattr(site, "render_document", real)
    assert render_html_parallel([f for f in files if f != broken], tmp_path / "without", REGISTER, jobs=1) == 0
    assert tree(tmp_path / "with") == tree(tmp_path / "without")


def test_a_transcript_named_like_the_volume_gets_its_own_pdf(tmp_path):
    """edition.txt would overwrite the volume edition.pdf: its PDF is edition-document.pdf; a second
    file already called edition-document gets one error line naming it."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    srcs = tmp_path / "src"
    srcs.mkdir()
    shutil.copy(seeds[0], srcs / "edition.txt")
    shutil.copy(seeds[1], srcs / "edition-document.txt")
    shutil.copy(seeds[2], srcs / "other.txt")
    root = edition(tmp_path, "ed")
    r = subprocess.run([str(EXE), "build", "--seeds", str(srcs), "--tei", "tei", "--stages", "encode,pdf",
                        "--jobs", "1"], cwd=root, env=dict(os.environ, CI="true"), capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "edition-document.xml" in errors[0] and "edition.xml" in errors[0], r.stderr
    assert sorted(p.name for p in (root / "pdf").glob("*.pdf")) == ["edition-document.pdf", "edition.pdf",
                                                                   "other.pdf"]
