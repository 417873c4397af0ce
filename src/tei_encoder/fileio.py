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
import tempfile
from pathlib import Path

MANIFEST = ".tei-encoder-manifest.json"


def atomic_write(path: str | Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


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
