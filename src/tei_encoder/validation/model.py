"""The data a validation run produces: problems per file, and the run's summary."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass
class Problem:
    line: int
    column: int
    severity: str  # error | warning | info
    message: str
    source: str = ""      # which check: "xml", "edition.xsd", "edition.sch", "tei_all.rng", ...
    rule: str = ""        # Schematron rule/assert id, XSD/RNG error kind
    path: str = ""        # element path, e.g. /TEI/text/body/div[1]/p[2]/persName[1]
    attribute: str = ""
    value: str = ""
    expected: str = ""
    hint: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)} | {
            "line": self.line, "column": self.column, "severity": self.severity, "message": self.message}


@dataclass
class FileResult:
    file: str
    problems: list[Problem] = field(default_factory=list)
    checked_with: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)  # schemas that could not be applied, with reason
    unreadable: bool = False
    seconds: float = 0.0

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    def status(self, strict: bool = False) -> str:
        if self.unreadable:
            return "unreadable"
        if self.count("error") or (strict and self.count("warning")):
            return "invalid"
        if not self.checked_with:
            return "not checked"
        return "valid"

    def ok(self, strict: bool = False) -> bool:
        return self.status(strict) == "valid"
