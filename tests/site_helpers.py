"""Shared by tests/test_site_*.py: the site built once per test session from tei/."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEI_DIR = ROOT / "tei"
EXTERNAL = ROOT.parent / "shared" / "reference" / "external-tei"
ARTIFACTS = ROOT / "test-artifacts"


def tei_files() -> list[Path]:
    return sorted(TEI_DIR.glob("*.xml"))


@lru_cache(maxsize=None)
def built_site():
    """(site folder, report) for tei/, built once per process into a temporary folder."""
    from tei_encoder.site import build_site

    out = Path(tempfile.mkdtemp(prefix="tei-site-")) / "site"
    atexit.register(shutil.rmtree, out.parent, True)
    report = build_site([TEI_DIR], TEI_DIR / "register", out)
    return out, report


@lru_cache(maxsize=None)
def built_external_site():
    """The FRUS and history.state.gov files of the shared reference corpus, rendered as a site."""
    from tei_encoder.site import build_site

    files = sorted(EXTERNAL.glob("frus--*.xml")) + sorted(EXTERNAL.glob("hsg--*.xml"))
    out = Path(tempfile.mkdtemp(prefix="tei-site-ext-")) / "site"
    atexit.register(shutil.rmtree, out.parent, True)
    report = build_site(files, None, out)
    return out, report, files
