"""Scoring the tagging against hand-made gold (tests/gold/*.json).

Mentions are compared per document as multisets of (type, surface text), so
the score does not depend on character offsets: a system mention counts as
correct when the gold has the same type and text as often. Surface text is
rebuilt from the TEI as the source wrote it (a `supplied` in brackets, a
`choice` as "orig [reg]") and compared without brackets and with whitespace
collapsed. Links are scored on correctly found mentions: a link is right when
it points to the register entry whose names include the gold's entity.
Scope, as in the gold's README: the main title, the abstract, the creation
date and the document's text (not the damaged second-language block).
"""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .register import Register
from .validation.xmlsafe import parse_untrusted

TEI = "{http://www.tei-c.org/ns/1.0}"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
TYPES = {"persName": "person", "placeName": "place", "orgName": "org"}


def _norm(s: str) -> str:
    """Compare without brackets, case or spacing: "F[oreign] M[inistry]" = "Foreign Ministry"."""
    s = s.replace("[", "").replace("]", "").replace("’", "'")
    return " ".join(s.split()).casefold()


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).casefold().replace("-", " ").replace(".", " ").split())


def surface(el) -> str:
    """The text of an element as the source had it."""
    out = [el.text or ""] if el.tag not in (TEI + "choice",) else []
    if el.tag == TEI + "choice":
        orig, reg = el.find("t:orig", NS), el.find("t:reg", NS)
        return f"{surface(orig) if orig is not None else ''} [{surface(reg) if reg is not None else ''}]"
    for child in el:
        if child.tag == TEI + "supplied":
            out.append("[" + surface(child) + "]")
        elif child.tag == TEI + "gap":
            out.append("[…]")
        elif child.tag in (TEI + "note",) and child.get("type") == "description":
            out.append("[" + surface(child) + "]")
        else:
            out.append(surface(child))
        out.append(child.tail or "")
    return "".join(out)


def _scopes(root) -> list:
    scopes = []
    title = root.find("t:teiHeader/t:fileDesc/t:titleStmt/t:title[@type='main']", NS)
    if title is not None:
        scopes.append(title)
    scopes += root.findall("t:teiHeader/t:profileDesc/t:abstract", NS)
    scopes += root.findall("t:teiHeader/t:profileDesc/t:creation", NS)
    for div in root.findall("t:text/t:body/t:div", NS):
        if div.find(".//t:damage", NS) is None:
            scopes.append(div)
    return scopes


def extract(path: Path) -> tuple[list[tuple[str, str, str | None]], list[tuple[str, str]]]:
    """(type, text, ref id) of every name and (text, value) of every date in scope."""
    root = parse_untrusted(path).getroot()
    mentions, dates = [], []
    for scope in _scopes(root):
        for el in scope.iter(TEI + "persName", TEI + "placeName", TEI + "orgName"):
            ref = el.get("ref")
            mentions.append((TYPES[el.tag.split("}")[1]], _norm(surface(el)), ref.split("#")[-1] if ref else None))
        for el in scope.iter(TEI + "date"):
            dates.append((_norm(surface(el)), _date_value(el.attrib)))
    return mentions, dates


def _date_value(attrs) -> str:
    if attrs.get("when"):
        return attrs["when"]
    if attrs.get("from") or attrs.get("to"):
        return f"{attrs.get('from', '')}/{attrs.get('to', '')}"
    return f"{attrs.get('notBefore', '')}/{attrs.get('notAfter', '')}"


@dataclass
class Score:
    gold: int = 0
    pred: int = 0
    tp: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: Counter, pred: Counter) -> None:
        self.gold += sum(gold.values())
        self.pred += sum(pred.values())
        self.tp += sum((gold & pred).values())


@dataclass
class Report:
    documents: int = 0
    types: dict[str, Score] = field(default_factory=lambda: {t: Score() for t in ("person", "place", "org")})
    dates: Score = field(default_factory=Score)
    date_values: Score = field(default_factory=Score)      # text and ISO value both right
    links_checked: int = 0
    links_right: int = 0
    links_wrong: int = 0
    links_missing: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = {"documents": self.documents}
        for t, s in self.types.items():
            d[t] = {"gold": s.gold, "predicted": s.pred, "correct": s.tp, "precision": round(s.precision, 3),
                    "recall": round(s.recall, 3), "f1": round(s.f1, 3)}
        d["dates"] = {"gold": self.dates.gold, "predicted": self.dates.pred, "found": self.dates.tp,
                      "f1": round(self.dates.f1, 3),
                      "normalised_right": self.date_values.tp,
                      "normalisation_accuracy": round(self.date_values.tp / self.dates.tp, 3) if self.dates.tp else 0.0,
                      "f1_with_value": round(self.date_values.f1, 3)}
        d["links"] = {"checked": self.links_checked, "right": self.links_right, "wrong": self.links_wrong,
                      "unlinked": self.links_missing,
                      "precision": round(self.links_right / (self.links_right + self.links_wrong), 3)
                      if self.links_right + self.links_wrong else 0.0}
        return d


def entity_index(register: Register | None) -> dict[str, set[str]]:
    """folded name -> register ids, for resolving the gold's entity names."""
    idx: dict[str, set[str]] = {}
    if register is None:
        return idx
    for e in register.entries:
        for n in e.names:
            idx.setdefault(_fold(n.text), set()).add(e.id)
    return idx


def evaluate(gold_paths: list[Path], tei_dir: Path, register: Register | None = None, split: str | None = None) -> Report:
    rep = Report()
    idx = entity_index(register)
    for gp in sorted(gold_paths):
        gold = json.loads(gp.read_text("utf-8"))
        if split and gold.get("split") != split:
            continue
        tei = tei_dir / f"{gold['document']}.xml"
        if not tei.exists():
            rep.errors.append({"document": gold["document"], "error": f"{tei} not found"})
            continue
        rep.documents += 1
        pred_m, pred_d = extract(tei)
        for t in rep.types:
            g = Counter(_norm(m["text"]) for m in gold["mentions"] if m["type"] == t)
            p = Counter(text for typ, text, _ in pred_m if typ == t)
            rep.types[t].add(g, p)
            for miss in (g - p):
                rep.errors.append({"document": gold["document"], "kind": "missed", "type": t, "text": miss})
            for extra in (p - g):
                rep.errors.append({"document": gold["document"], "kind": "spurious", "type": t, "text": extra})
        gd = Counter(_norm(d["text"]) for d in gold["dates"])
        pd = Counter(text for text, _ in pred_d)
        rep.dates.add(gd, pd)
        gv = Counter((_norm(d["text"]), _gold_date_value(d)) for d in gold["dates"])
        pv = Counter(pred_d)
        rep.date_values.add(gv, pv)
        for miss in (gd - pd):
            rep.errors.append({"document": gold["document"], "kind": "missed", "type": "date", "text": miss})
        for extra in (pd - gd):
            rep.errors.append({"document": gold["document"], "kind": "spurious", "type": "date", "text": extra})
        for (text, value) in (pv - gv):
            if text in gd:
                rep.errors.append({"document": gold["document"], "kind": "wrong value", "type": "date", "text": text, "value": value})
        _score_links(rep, gold, pred_m, idx)
    return rep


def _gold_date_value(d: dict) -> str:
    if d.get("when"):
        return d["when"]
    if d.get("from") or d.get("to"):
        return f"{d.get('from', '')}/{d.get('to', '')}"
    return f"{d.get('notBefore', '')}/{d.get('notAfter', '')}"


def _score_links(rep: Report, gold: dict, pred: list, idx: dict[str, set[str]]) -> None:
    """Compare links of mentions found with the right text, occurrence by occurrence."""
    by_text: dict[tuple[str, str], list[str | None]] = {}
    for typ, text, ref in pred:
        by_text.setdefault((typ, text), []).append(ref)
    for m in gold["mentions"]:
        key = (m["type"], _norm(m["text"]))
        if not by_text.get(key):
            continue
        ref = by_text[key].pop(0)
        ids = idx.get(_fold(m["entity"] or ""), set()) if m.get("entity") else set()
        if not ids:
            continue          # the gold's entity is not in the register: nothing to link to
        rep.links_checked += 1
        if ref is None:
            rep.links_missing += 1
        elif ref in ids:
            rep.links_right += 1
        else:
            rep.links_wrong += 1
            rep.errors.append({"document": gold["document"], "kind": "wrong link", "type": m["type"],
                               "text": m["text"], "ref": ref, "gold": m["entity"]})


def format_report(rep: Report, title: str) -> str:
    d = rep.as_dict()
    lines = [f"{title}: {d['documents']} documents",
             f"{'':8} {'gold':>5} {'pred':>5} {'ok':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for t in ("person", "place", "org"):
        s = d[t]
        lines.append(f"{t:8} {s['gold']:5} {s['predicted']:5} {s['correct']:5} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}")
    ds = d["dates"]
    sc = rep.dates
    lines.append(f"{'date':8} {sc.gold:5} {sc.pred:5} {sc.tp:5} {sc.precision:6.3f} {sc.recall:6.3f} {sc.f1:6.3f}"
                 f"   normalised right: {ds['normalised_right']}/{ds['found']} ({ds['normalisation_accuracy']:.3f}); "
                 f"F1 with value {ds['f1_with_value']:.3f}")
    lk = d["links"]
    lines.append(f"links: {lk['right']} right, {lk['wrong']} wrong, {lk['unlinked']} unlinked of {lk['checked']} "
                 f"found mentions whose entity is in the register (link precision {lk['precision']:.3f})")
    return "\n".join(lines)
