"""A small ISO Schematron runner (XPath 1.0 query binding) on lxml.

Supports what the edition's rules need and what most XPath 1.0 Schematron
files use: ``sch:ns``, global/pattern/rule ``sch:let``, ``sch:pattern``,
``sch:rule`` (first matching rule of a pattern wins, as the standard says),
``sch:assert``/``sch:report`` with ``@role`` (error, warning, info; also
fatal -> error, caution/information -> warning/info), ``@id``,
``sch:value-of``, ``sch:name``. Abstract patterns, phases and ``sch:include``
are not supported: such a schema is reported as not checked, never passed.

Variables supplied by the caller (``params``) take precedence over
``sch:let`` with the same name; the validator supplies ``$register`` (all
register entries) this way, since XPath 1.0 cannot list a folder.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

SCH = "http://purl.oclc.org/dsdl/schematron"
S = f"{{{SCH}}}"
ROLE_MAP = {"error": "error", "fatal": "error", "warning": "warning", "warn": "warning",
            "caution": "warning", "info": "info", "information": "info"}


class SchematronUnsupported(Exception):
    pass


@dataclass
class Check:
    kind: str  # assert | report
    test: etree.XPath
    test_src: str
    role: str
    id: str
    message: etree._Element


@dataclass
class Rule:
    context: etree.XPath
    context_src: str
    lets: list[tuple[str, etree.XPath]]
    checks: list[Check]
    role: str


@dataclass
class Pattern:
    id: str
    rules: list[Rule] = field(default_factory=list)


@dataclass
class SchFinding:
    node: etree._Element
    severity: str
    id: str
    text: str
    test: str
    variables: dict


def _split_union(expr: str) -> list[str]:
    parts, depth, cur, quote = [], 0, "", None
    for ch in expr:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def _context_to_xpath(ctx: str) -> str:
    out = []
    for p in _split_union(ctx):
        out.append(p if p.startswith("/") else "//" + p)
    return " | ".join(out)


class Schematron:
    def __init__(self, path: str, tree: etree._ElementTree | None = None) -> None:
        self.path = path
        doc = tree if tree is not None else etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True))
        root = doc.getroot()
        if root.tag != S + "schema":
            raise SchematronUnsupported("root is not sch:schema (ISO Schematron)")
        qb = (root.get("queryBinding") or "xslt").lower()
        if qb not in ("xslt", "xpath", "exslt", "xslt1"):
            self.query_binding = qb  # we try: many xslt2 schemas use XPath 1.0-compatible tests
        else:
            self.query_binding = qb
        if root.find(f".//{S}include") is not None or root.find(f".//{S}extends") is not None:
            raise SchematronUnsupported("sch:include/sch:extends are not supported")
        self.ns = {n.get("prefix"): n.get("uri") for n in root.iter(S + "ns")}
        self.global_lets = [(l.get("name"), l.get("value")) for l in root.findall(S + "let")]
        self.patterns: list[Pattern] = []
        try:
            for pat in root.iter(S + "pattern"):
                if pat.get("abstract") == "true" or pat.get("is-a"):
                    raise SchematronUnsupported("abstract patterns are not supported")
                pattern = Pattern(pat.get("id", ""))
                for r in pat.findall(S + "rule"):
                    if r.get("abstract") == "true":
                        raise SchematronUnsupported("abstract rules are not supported")
                    lets = [(l.get("name"), self._xp(l.get("value"))) for l in r.findall(S + "let")]
                    checks = []
                    for c in r:
                        if c.tag not in (S + "assert", S + "report"):
                            continue
                        role = ROLE_MAP.get((c.get("role") or r.get("role") or "error").lower(), "error")
                        checks.append(Check(etree.QName(c).localname, self._xp(c.get("test")), c.get("test"),
                                            role, c.get("id", ""), c))
                    pattern.rules.append(Rule(self._xp(_context_to_xpath(r.get("context"))), r.get("context"),
                                              lets, checks, r.get("role", "")))
                self.patterns.append(pattern)
        except etree.XPathSyntaxError as exc:
            raise SchematronUnsupported(f"an XPath is not XPath 1.0 ({exc}); query binding {qb}") from None

    def _xp(self, expr: str) -> etree.XPath:
        return etree.XPath(expr, namespaces=self.ns, smart_strings=False)

    def _message(self, el: etree._Element, node, variables) -> str:
        parts = [el.text or ""]
        for child in el:
            if child.tag == S + "value-of":
                try:
                    v = etree.XPath(child.get("select"), namespaces=self.ns)(node, **variables)
                except etree.XPathError:
                    v = "?"
                if isinstance(v, list):
                    v = " ".join(x if isinstance(x, str) else (x.text or "") if hasattr(x, "text") else str(x)
                                 for x in v)
                elif isinstance(v, float) and v.is_integer():
                    v = str(int(v))
                parts.append(str(v))
            elif child.tag == S + "name":
                target = node
                if child.get("path"):
                    r = etree.XPath(child.get("path"), namespaces=self.ns)(node, **variables)
                    target = r[0] if isinstance(r, list) and r else node
                parts.append(etree.QName(target).localname if isinstance(getattr(target, "tag", None), str) else "")
            elif child.tag in (S + "emph", S + "dir", S + "span"):
                parts.append(child.text or "")
            parts.append(child.tail or "")
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    @staticmethod
    def _var(v):
        """lxml cannot bind attribute/text results to variables: use their string value (XPath 1.0 semantics)."""
        if isinstance(v, list) and not all(isinstance(x, etree._Element) for x in v):
            first = v[0] if v else ""
            return first if isinstance(first, str) else (first.text or "") if hasattr(first, "text") else str(first)
        return v

    def run(self, tree: etree._ElementTree, params: dict | None = None) -> list[SchFinding]:
        params = dict(params or {})
        variables = dict(params)
        for name, value in self.global_lets:
            if name in params:
                continue
            try:
                variables[name] = self._var(etree.XPath(value, namespaces=self.ns)(tree, **variables))
            except etree.XPathError as exc:
                raise SchematronUnsupported(f"sch:let {name}: {exc}") from None
        findings: list[SchFinding] = []
        try:
            for pattern in self.patterns:
                seen: set = set()
                for rule in pattern.rules:
                    for node in rule.context(tree, **variables):
                        if not isinstance(node, etree._Element) or node in seen:
                            continue
                        seen.add(node)
                        local = dict(variables)
                        for name, xp in rule.lets:
                            if name not in params:
                                local[name] = self._var(xp(node, **local))
                        for chk in rule.checks:
                            ok = bool(chk.test(node, **local))
                            fire = (not ok) if chk.kind == "assert" else ok
                            if fire:
                                findings.append(SchFinding(node, chk.role, chk.id,
                                                           self._message(chk.message, node, local), chk.test_src,
                                                           {k: v for k, v in local.items() if isinstance(v, str)}))
        except etree.XPathError as exc:
            raise SchematronUnsupported(f"XPath error ({exc}); query binding {self.query_binding}") from None
        return findings
