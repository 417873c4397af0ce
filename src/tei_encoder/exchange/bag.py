"""BagIt package of the edition (TEI, register, schemas, site, PDFs), SHA-512 manifests."""
from __future__ import annotations

import datetime as _dt
import shutil
from pathlib import Path

import bagit

from .. import __version__

DEFAULT_PARTS = ("tei", "schemas", "site", "pdf")


class BagError(Exception):
    pass


def make_bag(project_dir: Path, out_dir: Path, *, parts=DEFAULT_PARTS, tei_dir: Path | None = None,
             organization: str = "tei-encoder edition", description: str | None = None,
             bagging_date: str | None = None) -> tuple[bagit.Bag, list[str]]:
    """Copy the edition's parts into ``out_dir`` and make it a bag. Returns the bag and the parts
    that were missing (e.g. no PDFs built yet)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise BagError(f"{out_dir}: folder exists and is not empty; choose a new folder for the bag")
    out_dir.mkdir(parents=True, exist_ok=True)
    missing = []
    for part in parts:
        src = (Path(tei_dir) if (part == "tei" and tei_dir is not None) else Path(project_dir) / part)
        if not src.is_dir():
            missing.append(part)
            continue
        shutil.copytree(src, out_dir / part, ignore=shutil.ignore_patterns(".*.tmp", "__pycache__"))
    date = bagging_date or _dt.date.today().isoformat()
    info = {
        "Source-Organization": organization,
        "Bagging-Date": date,
        "External-Description": description or "TEI P5 edition made with tei-encoder: "
                                               + ", ".join(p for p in parts if p not in missing),
        "Edition-Version": __version__,
        "Bag-Software-Agent": f"tei-encoder {__version__} with bagit-python {bagit.VERSION}",
    }
    bag = bagit.make_bag(str(out_dir), bag_info=info, checksums=["sha512"], processes=1)
    return bag, missing


def verify_bag(bag_dir: Path) -> list[str]:
    """Problems of a bag, one line each naming the file; empty when the bag is valid."""
    try:
        bag = bagit.Bag(str(bag_dir))
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = [str(d) for d in getattr(exc, "details", [])]
        return details or [str(exc)]
    except bagit.BagError as exc:
        return [str(exc)]
    return []
