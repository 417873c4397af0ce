#!/usr/bin/env python3
"""The quick start: `python dev.py build` and `python dev.py test`.

Standard library only, so it runs on a fresh machine with just Python and pip.
It makes a virtual environment in `.venv/`, installs the project (with its test
extras for `test`) when pyproject.toml changed since the last install, then
runs the real command inside it. Extra arguments are passed through, e.g.
`python dev.py test -k reader` or `python dev.py build --force`.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def ensure_env(extras: str) -> None:
    """Create the venv and (re)install the project when its metadata changed."""
    if not (BIN / "python").exists():
        print("dev.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest() + extras
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print(f"dev.py: installing tei-encoder[{extras}] into .venv", flush=True)
    subprocess.run(
        [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-e", f"{ROOT}[{extras}]"],
        check=True,
    )
    STAMP.write_text(wanted)


# System libraries and fonts the PDF edition needs (WeasyPrint draws with Pango; the
# print CSS names Noto Serif for Latin and Cyrillic and Nanum Myeongjo for Hangul),
# and the programs the tests drive (poppler-utils reads PDFs back, chromium is the browser).
SYSTEM_PACKAGES = {
    "build": ["libpango-1.0-0", "libpangoft2-1.0-0", "fontconfig", "fonts-noto-core", "fonts-nanum"],
    "test": ["libpango-1.0-0", "libpangoft2-1.0-0", "fontconfig", "fonts-noto-core", "fonts-nanum",
             "poppler-utils", "chromium", "chromium-driver"],
}


def ensure_system_packages(task: str) -> None:
    """Install missing Debian packages when this machine can (root with apt-get); otherwise say what is missing."""
    import shutil
    wanted = SYSTEM_PACKAGES[task]
    if not shutil.which("dpkg-query"):
        return
    missing = [p for p in wanted if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
                                                   text=True).stdout.find("install ok installed") < 0]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"dev.py: installing {' '.join(missing)} (apt-get)", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=False, env=env)
    else:
        print(f"dev.py: missing system packages {' '.join(missing)}: PDFs or some tests may not run; "
              f"install them with your package manager", flush=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"build", "test"}:
        print(__doc__.strip())
        return 2
    task, rest = argv[0], argv[1:]
    ensure_env("test")
    ensure_system_packages(task)
    if task == "build":
        cmd = [str(BIN / "tei-encoder"), "build", *rest]
    else:
        cmd = [str(BIN / "python"), "-m", "pytest", *rest]
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
