#!/usr/bin/env python3
"""DTS server benchmark: median and p99 of Collection, Navigation and Document requests
over a 1,000-document edition (renamed copies of tei/*.xml in a temp folder), then a mixed
load from 50 concurrent clients. Appends the figures and the command to docs/benchmarks.md.

    .venv/bin/python benchmarks/dts_bench.py [--docs 1000] [--requests 300] [--no-write]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def make_edition(dest: Path, n: int) -> list[str]:
    sources = sorted((ROOT / "tei").glob("*.xml"))
    names = []
    for i in range(n):
        src = sources[i % len(sources)]
        name = f"{i:04d}_{src.stem.split('_', 1)[1]}"
        data = src.read_bytes().replace(f'xml:id="doc-{src.stem}"'.encode(), f'xml:id="doc-{name}"'.encode(), 1)
        (dest / f"{name}.xml").write_bytes(data)
        names.append(name)
    if (ROOT / "tei" / "register").is_dir():
        shutil.copytree(ROOT / "tei" / "register", dest / "register")
    return names


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100 * len(xs))) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=300, help="timed requests per endpoint")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--per-client", type=int, default=40)
    ap.add_argument("--no-write", action="store_true", help="do not append to docs/benchmarks.md")
    args = ap.parse_args()
    rnd = random.Random(9)
    with tempfile.TemporaryDirectory() as tmp:
        tei = Path(tmp) / "tei"
        tei.mkdir()
        names = make_edition(tei, args.docs)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", "from tei_encoder.cli import main; main()", "serve", str(tei),
                                 "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    if httpx.get(url + "/api/dts/", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
                if proc.poll() is not None or time.perf_counter() - t0 > 300:
                    raise SystemExit("server did not start")
            startup = time.perf_counter() - t0
            with httpx.Client(base_url=url, timeout=30) as c:
                colls = [m["@id"] for m in c.get("/api/dts/collection", params={"id": "urn:tei-encoder:dates"}).json()["member"]]
                years = []
                for cid in colls:
                    years += [m["@id"] for m in c.get("/api/dts/collection", params={"id": cid}).json()["member"]]

                def doc():
                    return f"urn:tei-encoder:doc:{rnd.choice(names)}"

                kinds = {
                    "Collection": lambda: ("/api/dts/collection", rnd.choice([
                        {"id": rnd.choice(years), "page": 1}, {"id": doc(), "nav": "parents"}, {}])),
                    "Navigation": lambda: ("/api/dts/navigation", rnd.choice([
                        {"resource": doc(), "down": -1}, {"resource": doc(), "ref": "document.2", "down": 0}])),
                    "Document": lambda: ("/api/dts/document", rnd.choice([
                        {"resource": doc()}, {"resource": doc(), "ref": "document.3"},
                        {"resource": doc(), "start": "document.2", "end": "document.4"}])),
                }
                results = {}
                for kind, make in kinds.items():
                    for _ in range(20):  # warm-up
                        p_, q_ = make()
                        c.get(p_, params=q_)
                    times = []
                    for _ in range(args.requests):
                        path, params = make()
                        t = time.perf_counter()
                        r = c.get(path, params=params)
                        times.append((time.perf_counter() - t) * 1000)
                        assert r.status_code == 200, (path, params, r.status_code)
                    results[kind] = (statistics.median(times), pct(times, 99))

            mixed = [f() for f in kinds.values() for _ in range(args.per_client)]

            def client(i):
                errors = 0
                r2 = random.Random(i)
                with httpx.Client(base_url=url, timeout=60) as c2:
                    for path, params in r2.sample(mixed, args.per_client):
                        if c2.get(path, params=params).status_code != 200:
                            errors += 1
                return errors

            t = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                errors = sum(pool.map(client, range(args.clients)))
            wall = time.perf_counter() - t
            total = args.clients * args.per_client
        finally:
            proc.terminate()
            proc.wait(10)

    lines = [f"| {k} | {m:.2f} | {p:.2f} |" for k, (m, p) in results.items()]
    report = "\n".join([
        f"## DTS server, {dt.date.today().isoformat()}",
        "",
        f"Command: `.venv/bin/python benchmarks/dts_bench.py --docs {args.docs} --requests {args.requests}`",
        f"({args.docs} documents: renamed copies of tei/*.xml; server `tei-encoder serve` (uvicorn, one process), "
        f"client httpx on the same {os.cpu_count()}-core machine, shared with other work; "
        f"Python {platform.python_version()}; start-up incl. loading the edition {startup:.1f} s.)",
        "",
        "| request (one client, sequential) | median ms | p99 ms |",
        "|---|---|---|",
        *lines,
        "",
        f"Mixed load: {args.clients} concurrent clients × {args.per_client} requests "
        f"(collection, navigation, whole documents and passages): {total} requests in {wall:.1f} s = "
        f"**{total / wall:.0f} req/s**, {errors} errors.",
        "",
        "Peer: dapytains answers 2–7 ms median, ~300 mixed req/s to 50 clients, crashes on concurrent passage requests.",
        "",
    ])
    print(report)
    if not args.no_write:
        out = ROOT / "docs" / "benchmarks.md"
        out.parent.mkdir(exist_ok=True)
        prev = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n\n"
        out.write_text(prev.rstrip("\n") + "\n\n" + report, encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
