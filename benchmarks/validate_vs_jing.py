#!/usr/bin/env python3
"""Benchmark: tei-encoder's RELAX NG validation vs Jing, same files, same run.

    .venv/bin/python benchmarks/validate_vs_jing.py [CORPUS_DIR] [RNG]

Defaults: ../shared/reference/external-tei and ../shared/reference/tei_all.rng.
Measures (1) Jing in one process on all files except the two whose DTD is missing
(Jing aborts the batch on them), (2) tei-encoder in one process on the same files
(cold: empty rewrite cache; warm: cache filled), (3) verdicts per file vs JING.md.
Needs `jing` on PATH (Debian package `jing`) for (1).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/reference/external-tei"
rng = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT.parent / "shared/reference/tei_all.rng"
TE = [str(ROOT / ".venv/bin/tei-encoder")]


def jing_verdicts() -> dict[str, str]:
    out = {}
    for line in (corpus / "JING.md").read_text().splitlines():
        m = re.match(r"\| (\S+\.xml) \| (valid|invalid|not checked) \|", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def timed(cmd, env=None) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - t, p


def main() -> int:
    import json
    ref = jing_verdicts()
    files = sorted(corpus.glob("*.xml"))
    batch = [str(f) for f in files if ref.get(f.name) != "not checked"]
    rows = []
    if shutil.which("jing"):
        tj = [timed(["jing", str(rng), *batch])[0] for _ in range(3)]
        rows.append(("jing, one process, %d files" % len(batch), sorted(tj)[1]))
    else:
        print("jing not on PATH: Jing timing skipped (apt-get install jing)")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, TEI_ENCODER_CACHE=cache, CI="true")
        cold, _ = timed([*TE, "validate", "--jobs", "1", "--schema", str(rng), *batch], env)
        warm = sorted(timed([*TE, "validate", "--jobs", "1", "--schema", str(rng), *batch], env)[0]
                      for _ in range(3))[1]
        two = sorted(timed([*TE, "validate", "--jobs", "2", "--schema", str(rng), *batch], env)[0]
                     for _ in range(3))[1]
        rows.append(("tei-encoder, one process, one thread, cold cache", cold))
        rows.append(("tei-encoder, one process, one thread, warm cache", warm))
        rows.append(("tei-encoder, one process, two threads (--jobs 2), warm cache", two))
        _, p = timed([*TE, "validate", "--format", "json", "--schema", str(rng), *map(str, files)], env)
    ours = {Path(f["file"]).name: f["status"] for f in json.loads(p.stdout)["files"]}
    print("| what | wall time (median of 3; cold: 1 run) |\n|---|---|")
    for what, t in rows:
        print(f"| {what} | {t:.2f} s |")
    same = diff = 0
    print("\n| file | Jing | tei-encoder |\n|---|---|---|")
    for name in sorted(ref):
        o = ours.get(name, "?")
        o_cmp = "invalid" if o == "unreadable" else o
        if o_cmp == ref[name]:
            same += 1
        else:
            diff += 1
            print(f"| {name} | {ref[name]} | {o} |")
    print(f"\nverdicts: {same} same, {diff} different, of {len(ref)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
