"""The background writer the build uses: files land whole, callbacks follow their file, errors surface."""
from __future__ import annotations

import pytest

from tei_encoder.fileio import BackgroundWriter


def test_callback_runs_after_its_file_is_on_disk(tmp_path):
    seen = []
    w = BackgroundWriter(max_pending=2)
    for i in range(20):
        path = tmp_path / f"f{i}.xml"
        w.write(path, b"<x>%d</x>" % i, then=lambda p=path, i=i: seen.append((i, p.read_bytes())))
    w.flush()
    assert sorted(seen) == [(i, b"<x>%d</x>" % i) for i in range(20)]
    assert not list(tmp_path.glob(".*.tmp"))
    w.close()


def test_failed_write_is_raised_in_the_callers_thread_and_not_recorded(tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should be")
    recorded = []
    w = BackgroundWriter()
    w.write(tmp_path / "blocker" / "page.html", b"x", then=lambda: recorded.append("page"))
    with pytest.raises(OSError):
        w.flush()
    assert recorded == []
    w.write(tmp_path / "ok.html", b"y", then=lambda: recorded.append("ok"))
    w.close()
    assert recorded == ["ok"] and (tmp_path / "ok.html").read_bytes() == b"y"


def test_write_if_changed_leaves_the_same_bytes_untouched_and_replaces_others(tmp_path):
    import os

    from tei_encoder.fileio import write_if_changed
    target = tmp_path / "report.json"
    chunks = [b"x" * 100_000, b"y" * 3, b""]
    assert write_if_changed(target, iter(chunks)) is True
    os.utime(target, ns=(1, 1))
    assert write_if_changed(target, iter(chunks)) is False
    assert target.stat().st_mtime_ns == 1                    # not rewritten
    assert write_if_changed(target, iter([b"x" * 100_000, b"z"])) is True
    assert target.read_bytes() == b"x" * 100_000 + b"z"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]   # no temporary file left


def test_written_files_get_the_usual_permissions_and_keep_an_editors(tmp_path):
    """Atomic writes go through a private temporary file; the file in place must still get what the
    umask allows (a web server serves the site), and keep a mode an editor set."""
    import os
    import stat

    from tei_encoder import fileio
    new = tmp_path / "page.html"
    fileio.atomic_write(new, b"<p/>")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~fileio._UMASK
    os.chmod(new, 0o640)
    fileio.atomic_write(new, b"<p>2</p>")
    assert stat.S_IMODE(new.stat().st_mode) == 0o640
