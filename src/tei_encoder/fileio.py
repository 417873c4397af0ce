"""Writing the edition's files safely.

Files are written atomically (a temporary file in the same folder, then a
rename), so a crash or a killed run never leaves a half-written file. A
manifest beside the outputs records the hash of what the tool wrote; a file
whose bytes differ from that record was changed by an editor and is not
overwritten unless the run is forced.
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import tempfile
import threading
from pathlib import Path
from typing import Callable

MANIFEST = ".tei-encoder-manifest.json"


def atomic_write(path: str | Path, data: bytes) -> None:
    _replace_atomically(path, (data,))


def write_if_changed(path: str | Path, chunks) -> bool:
    """Stream ``chunks`` (bytes) into place, atomically, unless ``path`` already holds the same bytes
    (then it is left untouched and False is returned). For files too large to build in memory."""
    return _replace_atomically(path, chunks, keep_same=True)


def _replace_atomically(path: str | Path, chunks, keep_same: bool = False) -> bool:
    """Write a temporary file beside ``path``, sync it, rename it over ``path``; nothing half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    digest = hashlib.sha256() if keep_same else None
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                if digest is not None:
                    digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if digest is not None and path.is_file() and _file_sha256(path) == digest.hexdigest():
            os.unlink(tmp)
            return False
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
        return True
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _mode_for(path: Path) -> int:
    """The permissions the file would have had written in place: those of the file it replaces, else
    the user's umask applied to 0o666 (mkstemp makes 0o600 files, which a web server could not read)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_UMASK


def _current_umask() -> int:
    mask = os.umask(0)      # the only way to read it; set straight back, before any thread is started
    os.umask(mask)
    return mask


_UMASK = _current_umask()


class BackgroundWriter:
    """Atomic writes on a thread of their own, so the build goes on while the disk syncs.

    Each file is still written to a temporary file, synced and renamed (``atomic_write``); only
    the waiting moves off the caller's thread (``fsync`` and ``open`` release the GIL: in a build
    they were a third of the main process's time, with the workers idle meanwhile). A ``then``
    callback, e.g. recording the file in a manifest, runs on the caller's thread after its file is
    safely written: at the next ``write``, ``finish_ready`` or ``flush``. A failed write raises
    there too.
    """

    def __init__(self, max_pending: int = 64, max_bytes: int = 16 * 2**20):
        self._todo: queue.Queue = queue.Queue(max_pending)
        self._done: queue.SimpleQueue = queue.SimpleQueue()
        # bytes handed over and not yet written: a few large overview pages must not pile up in memory
        self._pending, self._max_bytes = 0, max_bytes
        self._written = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="tei-encoder-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._todo.get()
            if item is None:
                self._todo.task_done()
                return
            path, data, then = item
            try:
                atomic_write(path, data)
                self._done.put((then, None))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                self._done.put((None, exc))
            finally:
                with self._written:
                    self._pending -= len(data)
                    self._written.notify_all()
                self._todo.task_done()

    def write(self, path: str | Path, data: bytes, then: Callable[[], None] | None = None) -> None:
        self.finish_ready()
        with self._written:
            while self._pending and self._pending + len(data) > self._max_bytes:
                self._written.wait()
            self._pending += len(data)
        self._todo.put((Path(path), data, then))

    def finish_ready(self) -> None:
        """Run the callbacks of the writes that have finished; raise the first failed write's error."""
        while True:
            try:
                then, exc = self._done.get_nowait()
            except queue.Empty:
                return
            if exc is not None:
                raise exc
            if then is not None:
                then()

    def flush(self) -> None:
        """Wait until every file handed over so far is written."""
        self._todo.join()
        self.finish_ready()

    def close(self) -> None:
        if self._thread.is_alive():
            self._todo.put(None)
            self._thread.join()
        self.finish_ready()


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Delete the temporary files a killed run left behind (".NAME.….tmp", never a finished file)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stale = [p for p in folder.rglob(".*.tmp") if p.is_file()]
    for p in stale:
        try:
            p.unlink()
        except OSError:
            pass
    return stale


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    """sha256 of a file read in blocks (write_if_changed compares files too large to hold)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class Manifest:
    """What the tool wrote into one output folder, by file name."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST
        try:
            self.entries: dict[str, str] = json.loads(self.path.read_text("utf-8")).get("files", {})
        except (FileNotFoundError, ValueError):
            self.entries = {}

    def hand_edited(self, name: str) -> bool:
        """True when `name` exists and is not byte-for-byte what the tool last wrote."""
        target = self.folder / name
        if not target.exists():
            return False
        recorded = self.entries.get(name)
        return recorded is None or recorded != sha256(target.read_bytes())

    def record(self, name: str, data: bytes) -> None:
        self.entries[name] = sha256(data)

    def save(self) -> None:
        body = json.dumps({"tool": "tei-encoder", "files": dict(sorted(self.entries.items()))}, indent=1)
        atomic_write(self.path, (body + "\n").encode("utf-8"))
