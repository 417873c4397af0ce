"""Whether to draw progress: on a terminal, never in CI (CI=true) or when stderr is not a terminal."""
from __future__ import annotations

import os
import sys


def progress_wanted() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1", "yes")
