#!/usr/bin/env python3
"""Encoding speed: N transcripts of seed size (renamed copies of seeds/), one process.

    python benchmarks/encode_bench.py 1000
    python benchmarks/encode_bench.py --one-paragraph 10     # one transcript, a 10 MB paragraph

Prints documents per second and the time for the batch; tagging cost is
linear in text length (a token-trie walk), so time grows with N × length.
`--one-paragraph MB` times one transcript that is a single paragraph of that size
(sentences with names and dates): the span resolution and the inline writer must stay linear.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tei_encoder.encode import encode_paths  # noqa: E402


def main(n: int) -> None:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp, "src"), Path(tmp, "tei")
        src.mkdir()
        for i in range(n):
            shutil.copy(seeds[i % len(seeds)], src / f"doc{i:06d}.txt")
        size = sum(p.stat().st_size for p in src.iterdir())
        t = time.perf_counter()
        results = encode_paths([str(src)], out, register_dir=ROOT / "tei" / "register", force=True)
        dt = time.perf_counter() - t
        failed = sum(r.status == "failed" for r in results)
        print(f"encoded {n} transcripts ({size / 1e6:.1f} MB) in {dt:.1f} s: {n / dt:.0f} documents/s, "
              f"{size / 1e6 / dt:.2f} MB/s; {failed} failed")


def one_paragraph(mb: float) -> None:
    sentence = "Kim Il Sung met Stalin in Moscow on 5 March 1953. "
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "long.txt")
        src.write_text("August 22, 1963\nA title\n" + sentence * int(mb * 1e6 / len(sentence)), "utf-8")
        t = time.perf_counter()
        results = encode_paths([str(src)], Path(tmp, "tei"), register_dir=ROOT / "tei" / "register", force=True)
        dt = time.perf_counter() - t
        print(f"encoded one {src.stat().st_size / 1e6:.1f} MB single-paragraph transcript in {dt:.1f} s; "
              f"{results[0].status}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one-paragraph"]:
        one_paragraph(float(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
