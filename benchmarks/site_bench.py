#!/usr/bin/env python3
"""Benchmark: build the HTML site for N documents (default 1,000).

The documents are copies of the edition's tei/*.xml under new names and
xml:ids, in a temporary folder with the real register; the site is written to
another temporary folder. Prints the wall time and pages per second.

    .venv/bin/python benchmarks/site_bench.py            # 1,000 documents
    .venv/bin/python benchmarks/site_bench.py -n 200 --keep /tmp/bench-site
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tei_encoder.site import build_site, check_links  # noqa: E402


def make_corpus(n: int, dest: Path) -> list[Path]:
    sources = sorted((ROOT / "tei").glob("*.xml"))
    if not sources:
        raise SystemExit("no tei/*.xml to copy")
    texts = [s.read_text("utf-8") for s in sources]
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        text = texts[i % len(sources)]
        name = f"bench{i:05d}_{src.stem}"
        # a new document id; shift the year so the copies spread over the chronology
        text = re.sub(r'xml:id="doc-[^"]+"', f'xml:id="doc-{name}"', text, count=1)
        text = re.sub(r'(<creation>\s*<date when=")(\d{4})', lambda m: m.group(1) + str(int(m.group(2)) + i % 30 - 15),
                      text, count=1)
        p = dest / f"{name}.xml"
        p.write_text(text, "utf-8")
        out.append(p)
    if (ROOT / "tei" / "register").is_dir():
        shutil.copytree(ROOT / "tei" / "register", dest / "register")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1000, help="number of documents (default 1000)")
    ap.add_argument("--keep", type=Path, help="write the site here and keep it")
    ap.add_argument("--check-links", action="store_true", help="also run the link checker (not timed)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "tei").mkdir()
        make_corpus(args.n, tmp / "tei")
        out = args.keep or tmp / "site"
        t0 = time.perf_counter()
        report = build_site([tmp / "tei"], tmp / "tei" / "register", out)
        dt = time.perf_counter() - t0
        print(f"{report.documents} documents, {report.pages} pages, {len(report.errors)} errors "
              f"in {dt:.1f} s ({report.documents / dt:.0f} documents/s) on {os.cpu_count()} CPUs")
        for e in report.errors[:5]:
            print("  error:", e)
        if args.check_links:
            t1 = time.perf_counter()
            problems = check_links(out, optional_prefixes=("pdf/",))
            print(f"link check: {len(problems)} problems in {time.perf_counter() - t1:.1f} s")
        return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
