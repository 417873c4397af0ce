#!/usr/bin/env python3
"""Benchmark of `tei-encoder build` at archive scale (issue 11).

For each corpus size: a corpus from make_corpus.py, a fresh edition with the project's register,
then builds with the given executors; for each, the first build and an unchanged rebuild. Prints
a Markdown table: documents per second per stage (the build's own `-v` lines), wall time, and
peak resident memory of the main process, of the largest worker and of the whole process tree
(sampled every 0.1 s from /proc; sampling costs a few per cent of a core).

    .venv/bin/python benchmarks/scale_bench.py 1000 --runs jobs1,jobs2,dask2
    .venv/bin/python benchmarks/scale_bench.py 10000 --runs jobs2 --stages encode,validate,site
    .venv/bin/python benchmarks/scale_bench.py 200 --runs jobs2 --stages encode,validate,pdf

`dask2` starts a dask.distributed LocalCluster of two worker processes (one thread each) on
127.0.0.1 and passes `--scheduler` to the build.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import make_corpus  # noqa: E402

EXE = Path(sys.executable).parent / "tei-encoder"
STAGE_LINE = re.compile(r"^(encode|validate|site|pdf): (\d+) documents, (\d+) done.*?\(([\d.]+) s(?:, (\d+)/s)?\)")


def _rss_tree(pid: int) -> tuple[int, int, int]:
    """(main, largest descendant, sum) resident set sizes in MB of pid and its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 2**20
        except (OSError, IndexError, ValueError):
            continue
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    others = [rss.get(p, 0) for p in tree if p != pid]
    return rss.get(pid, 0), max(others, default=0), sum(rss.get(p, 0) for p in tree)


def run_build(edition: Path, corpus: Path, args: list[str]) -> dict:
    cmd = [str(EXE), "build", "--seeds", str(corpus), "--tei", "tei", "--no-volume", "-v", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=edition, env=dict(os.environ, CI="true"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak = [0, 0, 0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            now = _rss_tree(proc.pid)
            peak[:] = [max(a, b) for a, b in zip(peak, now)]
            stop.wait(0.1)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = proc.stderr.read()
    proc.wait()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - t0
    stages = {}
    for line in err.splitlines():
        m = STAGE_LINE.match(line)
        if m:
            stages[m.group(1)] = (int(m.group(3)), float(m.group(4)))
            pages = re.search(r"; (\d+) pages, ([\d.]+) pages/s", line)
            if pages:
                stages["pdf pages"] = (int(pages.group(1)), float(pages.group(1)) / float(pages.group(2)))
    return {"wall": wall, "rc": proc.returncode, "stages": stages, "peak": peak, "tail": err.splitlines()[-3:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="corpus size")
    ap.add_argument("--runs", default="jobs1,jobs2", help="comma list of jobs1, jobs2, dask2")
    ap.add_argument("--stages", default="encode,validate,site")
    ap.add_argument("--corpus", type=Path, help="reuse this corpus folder (made if missing)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tei-scale-"))
    corpus = args.corpus or work / "corpus"
    if not corpus.is_dir() or not any(corpus.iterdir()):
        make_corpus.generate(args.n, corpus)
    stages = args.stages.split(",") + (["pdf pages"] if "pdf" in args.stages.split(",") else [])
    print(f"| corpus | run | build | {' | '.join(stages)} | wall | docs/s (all stages) | peak RSS MB: main / largest worker / all |")
    print("|---|---|---|" + "---|" * len(stages) + "---|---|---|")
    try:
        for run in args.runs.split(","):
            cluster = None
            extra = ["--stages", args.stages]
            if run == "jobs1":
                extra += ["--jobs", "1"]
            elif run == "jobs2":
                extra += ["--jobs", "2"]
            elif run == "dask2":
                from distributed import LocalCluster
                cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
                extra += ["--scheduler", cluster.scheduler_address]
            else:
                raise SystemExit(f"unknown run {run!r}")
            edition = work / f"ed-{run}"
            (edition / "tei").mkdir(parents=True)
            shutil.copytree(ROOT / "tei" / "register", edition / "tei" / "register")
            try:
                for label in ("first", "unchanged"):
                    r = run_build(edition, corpus, extra)
                    cells = []
                    for s in stages:
                        done, secs = r["stages"].get(s, (0, 0.0))
                        if done and secs >= done * 0.0002:  # under 0.2 ms a document: done in encode
                            cells.append(f"{done / secs:.0f}/s ({secs:.1f} s)")
                        elif done:
                            cells.append("done while encoding")
                        else:
                            cells.append(f"up to date ({secs:.1f} s)")
                    rate = f"{args.n / r['wall']:.0f}" if label == "first" else "–"
                    peak = " / ".join(map(str, r["peak"]))
                    print(f"| {args.n:,} | {run} | {label} | {' | '.join(cells)} | {r['wall']:.1f} s | {rate} | {peak} |",
                          flush=True)
                    if r["rc"] not in (0, 1):
                        print("   build failed:", *r["tail"], sep="\n   ", file=sys.stderr)
            finally:
                if cluster is not None:
                    cluster.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
