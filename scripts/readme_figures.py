#!/usr/bin/env python3
"""Rewrite the figures of README.md's "How well it tags" from `tei-encoder evaluate`.

    .venv/bin/python scripts/readme_figures.py

Runs the evaluation (held-out, tuned, seeds) and replaces the text between the
<!-- figures --> markers, so the README shows what the command prints.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("tei-encoder"))


def figures(*args: str) -> dict:
    out = subprocess.run([EXE, "evaluate", *args, "--json"], cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def table(d: dict) -> str:
    rows = ["| | gold | found | correct | precision | recall | F1 |", "|---|---|---|---|---|---|---|"]
    for t in ("person", "place", "org"):
        s = d[t]
        rows.append(f"| {t} | {s['gold']} | {s['predicted']} | {s['correct']} | {s['precision']:.3f} | "
                    f"{s['recall']:.3f} | **{s['f1']:.3f}** |")
    ds = d["dates"]
    p = ds["found"] / ds["predicted"] if ds["predicted"] else 0.0
    r = ds["found"] / ds["gold"] if ds["gold"] else 0.0
    rows.append(f"| date | {ds['gold']} | {ds['predicted']} | {ds['found']} | {p:.3f} | {r:.3f} | **{ds['f1']:.3f}** |")
    lk = d["links"]
    rows.append("")
    rows.append(f"Dates found with the right ISO value: {ds['normalised_right']} of {ds['found']} "
                f"(normalisation accuracy {ds['normalisation_accuracy']:.3f}). Links of found names whose entity is "
                f"in the register: {lk['right']} right, {lk['wrong']} wrong, {lk['unlinked']} left unlinked.")
    return "\n".join(rows)


def main() -> None:
    split = figures("tests/gold")
    seeds = figures(*sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "gold").glob("0*.json")))
    text = (f"**Held out (d021–d030, {split['heldout']['documents']} documents):**\n\n{table(split['heldout'])}\n\n"
            f"**Tuned on (seeds and d001–d020, {split['tune']['documents']} documents):**\n\n{table(split['tune'])}\n\n"
            f"**The five seeds** (`tei-encoder evaluate tests/gold/0*.json`):\n\n{table(seeds['tune'])}")
    readme = ROOT / "README.md"
    s = readme.read_text("utf-8")
    s = re.sub(r"<!-- figures -->.*<!-- /figures -->", f"<!-- figures -->\n{text}\n<!-- /figures -->", s, flags=re.S)
    readme.write_text(s, "utf-8")


if __name__ == "__main__":
    main()
