#!/usr/bin/env python3
"""Make a benchmark corpus: N realistic transcripts derived from the seeds and dev transcripts.

    python benchmarks/make_corpus.py 1000 -o /tmp/corpus-1k
    python benchmarks/make_corpus.py 100000 -o /tmp/corpus-100k --seed 7

Each generated transcript is one of the templates (seeds/*.txt and
../shared/dev-transcripts/*.txt, in turn) with its layout kept line for line
(boilerplate, citation, summary and memo headers stay where the readers expect
them) and its content varied deterministically from a fixed random seed:

- names: person names of the register that occur in the text are swapped for
  other register persons (consistently within a document, so the tagger still
  links them); some documents also mention a person the register does not know;
- dates: years move by up to ±6 (kept within 1945–1991), day numbers next to a
  month name change consistently;
- numbers: archive numbers (fond, delo, telegram numbers, folio ranges) get
  other digits of the same length;
- lengths: body paragraphs are repeated (0–4 extra copies, reordered
  sentences) or one is dropped, so documents range from short notes to long reports.

The same N and seed always give byte-identical files; a larger N keeps the
first files of a smaller one (file i depends only on i and the seed).
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIRS = [ROOT / "seeds", ROOT.parent / "shared" / "dev-transcripts"]
REGISTER = ROOT / "tei" / "register" / "persons.xml"
MONTHS = ("January February March April May June July August September October November December").split()
MONTH_RE = "|".join(MONTHS)
INVENTED = ["Ion Marinescu", "Pak Chol-su", "Vasily Orlov", "Li Weiguo", "Janos Kertesz", "Zdenek Holub",
            "Kim Tae-ho", "Gheorghe Ionescu", "Pyotr Sokolov", "Ri Myong-gil", "Tadeusz Nowak", "Choe Sun-ok"]


def templates(dirs=TEMPLATE_DIRS) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        if d.is_dir():
            out.extend(sorted(p for p in d.glob("*.txt") if p.is_file()))
    return out


def register_names(path: Path = REGISTER) -> list[str]:
    """Preferred person names of two or more words (safe to find in running text)."""
    if not path.is_file():
        return []
    from lxml import etree
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    ns = "{http://www.tei-c.org/ns/1.0}"
    names = []
    for n in tree.iter(ns + "persName"):
        if n.get("type") == "preferred":
            txt = " ".join("".join(n.itertext()).split())
            if len(txt.split()) >= 2 and re.fullmatch(r"[\w .'-]+", txt):
                names.append(txt)
    return sorted(set(names))


def _shift_years(text: str, delta: int) -> str:
    def year(m):
        y = int(m.group(0))
        return str(min(1991, max(1945, y + delta))) if 1940 <= y <= 1995 else m.group(0)
    return re.sub(r"(?<!\d)19[4-9]\d(?!\d)", year, text)


def _vary_days(text: str, rng: random.Random) -> str:
    days: dict[str, str] = {}

    def new(d: str) -> str:
        key = str(int(d))  # "02" and "2" are the same day
        if key not in days:
            days[key] = str(rng.randint(1, 28))
        return days[key].zfill(len(d))
    text = re.sub(rf"\b({MONTH_RE})(\s+)(\d{{1,2}})(?!\d)", lambda m: m.group(1) + m.group(2) + new(m.group(3)), text)
    text = re.sub(rf"\b(\d{{1,2}})(\s*(?:st|nd|rd|th)?,?\s+(?:of\s+)?)({MONTH_RE})\b", lambda m: new(m.group(1)) + m.group(2) + m.group(3), text)
    return text


def _vary_numbers(text: str, rng: random.Random) -> str:
    """Numbers of 2+ digits that are not years get other digits of the same length."""
    mapping: dict[str, str] = {}

    def num(m):
        s = m.group(0)
        if re.fullmatch(r"19[4-9]\d|20\d\d", s):
            return s
        before, after = m.string[max(0, m.start() - 30):m.start()], m.string[m.end():m.end() + 30]
        if re.search(rf"({MONTH_RE})\s+$", before) or re.match(rf"\s*(st|nd|rd|th)?,?\s+(of\s+)?({MONTH_RE})|st|nd|rd|th", after):
            return s
        if s not in mapping:
            mapping[s] = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in s[1:])
        return mapping[s]
    return re.sub(r"(?<![\d./])\d{2,}(?![\d]|[./]\d)", num, text)


def _vary_names(text: str, rng: random.Random, names: list[str]) -> str:
    present = [n for n in names if n in text]
    if not present:
        return text
    pool = [n for n in names if n not in present] or names
    mapping = {n: rng.choice(pool) for n in present if rng.random() < 0.7}
    if not mapping:
        return text
    # all names present, longest first, so "Kim Il" never matches inside an unmapped "Kim Il Sung"
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(present, key=len, reverse=True)) + r")\b")
    return pattern.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


def _body_range(paras: list[str]) -> tuple[int, int]:
    """Indices of the running-text paragraphs: after the heading block, before the summary and citation."""
    end = next((i for i, p in enumerate(paras) if p.strip() == "Document Information"), len(paras))
    end = max(0, end - 1)  # the summary sits right before "Document Information"
    return min(4, end), end


def _vary_length(text: str, rng: random.Random, invented: str | None) -> str:
    paras = text.split("\n\n")
    lo, hi = _body_range(paras)
    body = [i for i in range(lo, hi) if len(paras[i]) > 120 and not paras[i].lstrip().startswith(("[", "("))]
    if not body:
        return text
    extra = rng.choice([0, 0, 1, 1, 2, 3, 4, -1])
    if extra < 0 and len(body) > 2:
        del paras[rng.choice(body[1:])]
        return "\n\n".join(paras)
    inserts = []
    for _ in range(max(0, extra)):
        src = paras[rng.choice(body)]
        sentences = re.split(r"(?<=[.!?])\s+", src.strip())
        rng.shuffle(sentences)
        para = " ".join(sentences)
        if invented and not inserts:
            para = f"According to {invented}, " + para[:1].lower() + para[1:]
        inserts.append(para)
    at = body[-1] + 1
    paras[at:at] = inserts
    return "\n\n".join(paras)


def make_one(i: int, template: Path, text: str, seed: int, names: list[str]) -> tuple[str, str]:
    rng = random.Random(f"{seed}:{i}")
    out = text
    out = _vary_names(out, rng, names)
    out = _shift_years(out, rng.randint(-6, 6))
    out = _vary_days(out, rng)
    out = _vary_numbers(out, rng)
    invented = rng.choice(INVENTED) if rng.random() < 0.3 else None
    out = _vary_length(out, rng, invented)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", template.stem)[:40].strip("-")
    return f"c{i:06d}_{stem}.txt", out


def generate(n: int, out_dir: Path, seed: int = 20240611, dirs=TEMPLATE_DIRS) -> list[Path]:
    tpls = templates(dirs)
    if not tpls:
        raise SystemExit("no templates found (seeds/*.txt, ../shared/dev-transcripts/*.txt)")
    texts = [(t, t.read_bytes().decode("utf-8", errors="replace")) for t in tpls]
    names = register_names()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        tpl, text = texts[i % len(texts)]
        name, body = make_one(i, tpl, text, seed, names)
        path = out_dir / name
        data = body.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of transcripts (e.g. 1000, 10000, 100000)")
    ap.add_argument("-o", "--output", required=True, type=Path, help="folder for the .txt files")
    ap.add_argument("--seed", type=int, default=20240611, help="random seed (default: fixed)")
    args = ap.parse_args(argv)
    paths = generate(args.n, args.output, args.seed)
    print(f"{len(paths)} transcripts in {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
