"""Report formats: text (file:line:col: severity: message), JSON, JUnit XML, GitHub annotations."""
from __future__ import annotations

import json
import os
from xml.sax.saxutils import escape, quoteattr

from .model import FileResult


def summary(results: list[FileResult], strict: bool = False, seconds: float | None = None) -> dict:
    statuses = [r.status(strict) for r in results]
    out = {
        "files": len(results),
        "valid": statuses.count("valid"),
        "invalid": statuses.count("invalid"),
        "unreadable": statuses.count("unreadable"),
        "not_checked": statuses.count("not checked"),
        "errors": sum(r.count("error") for r in results),
        "warnings": sum(r.count("warning") for r in results),
        "infos": sum(r.count("info") for r in results),
        "strict": strict,
    }
    if seconds is not None:
        out["seconds"] = round(seconds, 3)
    return out


def summary_line(s: dict) -> str:
    parts = [f"{s['files']} file{'s' if s['files'] != 1 else ''}: {s['valid']} valid", f"{s['invalid']} invalid"]
    if s["unreadable"]:
        parts.append(f"{s['unreadable']} unreadable")
    if s["not_checked"]:
        parts.append(f"{s['not_checked']} not checked")
    parts.append(f"{s['errors']} error{'s' if s['errors'] != 1 else ''}, {s['warnings']} warning"
                 f"{'s' if s['warnings'] != 1 else ''}, {s['infos']} info")
    line = "; ".join(parts[:1]) + ", " + ", ".join(parts[1:-1]) + "; " + parts[-1]
    if "seconds" in s:
        line += f" ({s['seconds']:.2f} s)"
    return line


def _rel(path: str) -> str:
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else path
    except ValueError:
        return path


def text(results: list[FileResult], strict: bool = False, seconds: float | None = None, show_info: bool = True) -> str:
    lines = []
    for r in results:
        for p in r.problems:
            if p.severity == "info" and not show_info:
                continue
            lines.append(f"{_rel(r.file)}:{p.line}:{p.column}: {p.severity}: {p.message}"
                         + (f" [{p.source}{' ' + p.rule if p.rule else ''}]" if p.source else ""))
        status = r.status(strict)
        if status not in ("valid",):
            lines.append(f"{_rel(r.file)}: {status}")
    lines.append(summary_line(summary(results, strict, seconds)))
    return "\n".join(lines) + "\n"


def as_json(results: list[FileResult], strict: bool = False, seconds: float | None = None) -> str:
    doc = {
        "files": [
            {
                "file": _rel(r.file),
                "valid": r.ok(strict),
                "status": r.status(strict),
                "checked_with": r.checked_with,
                "not_checked": r.not_checked,
                "errors": [p.as_dict() for p in r.problems],
            }
            for r in results
        ],
        "summary": summary(results, strict, seconds),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def junit(results: list[FileResult], strict: bool = False, seconds: float | None = None) -> str:
    s = summary(results, strict, seconds)
    failures = sum(1 for r in results if r.status(strict) == "invalid")
    errors = sum(1 for r in results if r.status(strict) in ("unreadable", "not checked"))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="tei-encoder validate" tests="{len(results)}" failures="{failures}" errors="{errors}"'
           f' time="{s.get("seconds", 0)}">',
           f'  <testsuite name="tei-encoder validate" tests="{len(results)}" failures="{failures}" errors="{errors}"'
           f' time="{s.get("seconds", 0)}">']
    for r in results:
        name = _rel(r.file)
        out.append(f'    <testcase classname="validate" name={quoteattr(name)} time="{r.seconds:.3f}">')
        status = r.status(strict)
        body = escape("\n".join(f"{name}:{p.line}:{p.column}: {p.severity}: {p.message}" for p in r.problems))
        if status == "invalid":
            first = next((p for p in r.problems if p.severity == "error"), r.problems[0] if r.problems else None)
            msg = first.message if first else "invalid"
            out.append(f'      <failure message={quoteattr(msg)} type="invalid">{body}</failure>')
        elif status in ("unreadable", "not checked"):
            msg = r.problems[0].message if r.problems else status
            out.append(f'      <error message={quoteattr(msg)} type={quoteattr(status)}>{body}</error>')
        elif body:
            out.append(f"      <system-out>{body}</system-out>")
        out.append("    </testcase>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def github(results: list[FileResult], strict: bool = False, seconds: float | None = None) -> str:
    level = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for r in results:
        for p in r.problems:
            props = f"file={_gh_escape(_rel(r.file), True)}"
            if p.line:
                props += f",line={p.line}"
            if p.column:
                props += f",col={p.column}"
            title = f"{p.source} {p.rule}".strip() or "tei-encoder"
            props += f",title={_gh_escape(title, True)}"
            lines.append(f"::{level.get(p.severity, 'error')} {props}::{_gh_escape(p.message)}")
    lines.append(summary_line(summary(results, strict, seconds)))
    return "\n".join(lines) + "\n"


FORMATS = {"text": text, "json": as_json, "junit": junit, "github": github}
