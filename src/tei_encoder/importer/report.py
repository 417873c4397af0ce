"""The import report: per document what happened to each element, each name and the validation."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class DocReport:
    source: str
    status: str = "pending"          # imported | refused | skipped
    message: str = ""
    output: str | None = None
    input_validation: dict = field(default_factory=dict)
    output_validation: dict = field(default_factory=dict)
    decisions: object = None           # normalise.Decisions
    warnings: list = field(default_factory=list)
    added: list = field(default_factory=list)        # new register entries
    enriched: list = field(default_factory=list)     # additions to matched entries
    links: Counter = field(default_factory=Counter)  # status -> mentions
    review: dict = field(default_factory=dict)       # key -> review record
    _keys: dict = field(default_factory=dict)

    def refuse(self, msg: str) -> None:
        self.status, self.message = "refused", msg

    def skip(self, msg: str) -> None:
        self.status, self.message = "skipped", msg

    def mention(self, match, text: str, kind: str, plain: bool) -> None:
        key = f"plain:{kind}:{text}" if plain or match is None else f"{match.entity.origin}#{match.entity.source_id}"
        if match is None:
            status = "unlinked"
        elif match.status == "certain":
            status = "linked"
        elif match.status == "new":
            status = "unlinked" if plain else "new"
        else:
            status = match.status
        self._keys[key] = status
        self.links[status] += 1
        if status in ("doubtful", "conflict") or (status == "unlinked" and match is not None):
            rec = match.as_dict() if match is not None else {"name": text, "kind": kind, "status": status}
            rec["mention"] = text
            rec["mentions"] = 1
            if plain:
                rec["status"] = status
                rec["source_id"] = None
            self.review[key] = rec

    def count_mention(self, key: str) -> None:
        status = self._keys.get(key, "unlinked")
        self.links[status] += 1
        if key in self.review:
            self.review[key]["mentions"] += 1

    def elements(self) -> dict:
        d = self.decisions
        if d is None:
            return {}
        names = sorted(set(d.kept) | set(d.converted))
        return {n: {"kept": d.kept.get(n, 0), "converted": d.converted.get(n, 0),
                    **({"as": dict(d.converted_as[n]), "why": dict(d.reasons[n]), "first_line": d.examples.get(n)}
                       if d.converted.get(n) else {})} for n in names}

    def as_dict(self) -> dict:
        out = {"source": self.source, "status": self.status}
        if self.message:
            out["message"] = self.message
        if self.output:
            out["output"] = self.output
        if self.input_validation:
            out["input_validation"] = self.input_validation
        if self.output_validation:
            out["output_validation"] = self.output_validation
        if self.decisions is not None:
            out["elements"] = self.elements()
            out["converted_total"] = sum(self.decisions.converted.values())
            out["moved_attributes"] = dict(sorted(self.decisions.moved_attrs.items()))
        if self.links:
            out["names"] = dict(self.links)
        if self.added:
            out["register_added"] = self.added
        if self.enriched:
            out["register_enriched"] = self.enriched
        if self.review:
            out["review"] = sorted(self.review.values(), key=lambda r: (-r.get("mentions", 0), r.get("name") or ""))
        if self.warnings:
            out["warnings"] = self.warnings
        return out


@dataclass
class ImportReport:
    documents: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    register_files: list = field(default_factory=list)
    register_conflicts: list = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(d.status for d in self.documents)

    def as_dict(self) -> dict:
        c = self.counts()
        valid = sum(1 for d in self.documents if d.output_validation.get("edition") == "valid")
        return {"tool": "tei-encoder import",
                "summary": {"documents": len(self.documents), "imported": c.get("imported", 0),
                            "refused": c.get("refused", 0), "skipped": c.get("skipped", 0),
                            "imported_valid": valid},
                "register_files_written": self.register_files,
                "register_conflicts": self.register_conflicts,
                "warnings": self.warnings,
                "documents": [d.as_dict() for d in self.documents]}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=1, ensure_ascii=False)

    def text(self) -> str:
        lines = []
        for d in self.documents:
            if d.status != "imported":
                lines.append(f"{d.status:9} {d.source}: {d.message}")
                continue
            ov = d.output_validation
            conv = sum(d.decisions.converted.values()) if d.decisions else 0
            review = len(d.review)
            lines.append(f"imported  {d.source} -> {d.output}  [edition: {ov.get('edition', 'not checked')}"
                         f"{', tei_all: ' + ov['tei_all'] if 'tei_all' in ov else ''}; {conv} elements in imported form; "
                         f"names {dict(d.links) or '-'}; {len(d.added)} new register entries; {review} to review]")
            for e in ov.get("errors", [])[:5]:
                lines.append(f"          {e}")
            for w in d.warnings:
                lines.append(f"          warning: {w}")
        s = self.as_dict()["summary"]
        lines.append(f"{s['imported']} imported ({s['imported_valid']} valid), {s['skipped']} skipped, "
                     f"{s['refused']} refused, of {s['documents']}")
        for c in self.register_conflicts:
            lines.append(f"register conflict: {c}")
        return "\n".join(lines)
