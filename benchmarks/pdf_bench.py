#!/usr/bin/env python3
"""Benchmark: PDFs for N documents (default 100): one PDF per document and the volume.

The documents are N transcripts made by benchmarks/make_corpus.py (the seeds and
../shared/dev-transcripts varied: names, dates, lengths), encoded to TEI with the
project's encoder and register (not timed). The timed part is what
`tei-encoder render pdf DIR -o OUT` does: the stylesheet compiled once, every
document transformed, the layout in a pool of worker processes, the volume with
its contents and index.

    .venv/bin/python benchmarks/pdf_bench.py                 # 100 documents, 2 workers
    .venv/bin/python benchmarks/pdf_bench.py -n 100 -j 1 --keep /tmp/bench-pdf
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def make_tei(n: int, work: Path) -> Path:
    from make_corpus import generate

    from tei_encoder.encode import encode_paths

    txt = work / "txt"
    tei = work / "tei"
    generate(n, txt)
    shutil.copytree(ROOT / "tei" / "register", tei / "register")
    results = encode_paths([str(txt)], tei, register_dir=tei / "register")
    failed = [r for r in results if r.status == "failed"]
    if failed:
        print(f"note: {len(failed)} transcripts did not encode; benchmarking the rest", file=sys.stderr)
    return tei


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100, help="number of documents (default 100)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="layout worker processes (default 2)")
    ap.add_argument("--no-volume", action="store_true", help="documents only, no edition.pdf")
    ap.add_argument("--keep", type=Path, help="keep the TEI and PDFs in this folder")
    args = ap.parse_args(argv)

    from tei_encoder.pdf import render_pdfs

    work = args.keep or Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        tei = make_tei(args.n, work)
        docs = len(list(tei.glob("*.xml")))
        print(f"corpus: {docs} TEI documents ({time.perf_counter() - t:.1f} s to make and encode, not timed)")
        out = work / "pdf"
        t0 = time.perf_counter()
        run = render_pdfs([tei], out, volume=not args.no_volume, jobs=args.jobs)
        wall = time.perf_counter() - t0
        ok = [r for r in run.results if r.status == "written"]
        vol = [r for r in ok if r.source.startswith("edition")]
        per_doc = [r for r in ok if not r.source.startswith("edition")]
        print(f"PDFs: {len(per_doc)} documents ({sum(r.pages for r in per_doc)} pages)"
              + (f" + volume ({vol[0].pages} pages)" if vol else "")
              + f", {run.failed} failed")
        print(f"wall time: {wall:.1f} s with {args.jobs} worker(s)")
        print(f"  layout per document: mean {sum(r.seconds for r in per_doc) / max(1, len(per_doc)):.2f} s, "
              f"sum {sum(r.seconds for r in per_doc):.1f} s")
        if vol:
            print(f"  volume layout: {vol[0].seconds:.1f} s")
        for r in run.results:
            if r.status == "failed":
                print(r.line())
        return 1 if run.failed else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
