"""Make big RELAX NG grammars (tei_all.rng) load fast in libxml2, without changing their meaning.

Why lxml is slow on tei_all.rng: when libxml2 compiles a RELAX NG grammar it
tries to turn the content model of *every* element into a finite automaton and
then checks that automaton for determinism (``xmlRelaxNGTryCompile`` ->
``xmlRegexpIsDeterminist``). TEI content models are choices over hundreds of
elements (``macro.paraContent`` reaches ~400), the epsilon-free automaton of
``(a|b|...)*`` has n states with n transitions each, and the pairwise
determinism check is roughly cubic: about 1,150 such checks take 6-25 s, which
is nearly all of the load time (measured with perf/gdb: >45 % of samples in
``xmlStrchr`` called from ``xmlFACompareAtoms``). Validation itself does not
need those automata: libxml2 falls back to its ordinary tree-walking
validator, which handles TEI's choices through hash "triage" quickly.

libxml2 never compiles a content model that contains ``interleave``. So each
element's content pattern ``C`` becomes::

    interleave { C, optional { element urn:x-tei-encoder-never:n { notAllowed } } }

``element x { notAllowed }`` matches nothing, so the optional branch matches
only the empty sequence and ``interleave(C, empty) = C`` (RELAX NG spec,
section 4.20): the rewritten grammar accepts exactly the same documents. The
rewrite is skipped (left as is) where libxml2's interleave restrictions would
reject it: content that is data/value/list, or that can start with a wildcard
(anyName/nsName) element, or that names no element at all.

The result is cached on disk keyed by the SHA-256 of the grammar (and this
module's REWRITE_VERSION), so the rewrite runs once per schema version.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from lxml import etree

REWRITE_VERSION = "1"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
R = f"{{{RNG_NS}}}"
NEVER_NS = "urn:x-tei-encoder-never"


def cache_dir() -> Path:
    """``$TEI_ENCODER_CACHE/rng``, else ``$XDG_CACHE_HOME/tei-encoder/rng``, else ``~/.cache/tei-encoder/rng``."""
    if os.environ.get("TEI_ENCODER_CACHE"):
        return Path(os.environ["TEI_ENCODER_CACHE"]) / "rng"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tei-encoder" / "rng"


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _is_attr_part(c, defs) -> bool:
    t = _local(c)
    if t == "attribute":
        return True
    if t in ("optional", "zeroOrMore", "oneOrMore") and len(c) and all(
            _local(x) == "attribute" for x in c if isinstance(x.tag, str) and x.tag.startswith(R)):
        return True
    if t == "ref":
        name = c.get("name", "")
        return name.endswith(".attributes") or name.startswith("att.")
    return False


def _reaches_wildcard(node, defs, seen) -> bool:
    """Can ``node`` (not crossing element boundaries) produce an element with a wildcard name?"""
    for c in node:
        if not isinstance(c.tag, str) or not c.tag.startswith(R):
            continue
        t = _local(c)
        if t == "element":
            if c.get("name") is None:
                return True
            continue
        if t == "attribute":
            continue
        if t in ("anyName", "nsName", "externalRef", "parentRef", "grammar"):
            return True
        if t == "ref":
            name = c.get("name")
            if name in seen:
                continue
            seen.add(name)
            for d in defs.get(name, []):
                if _reaches_wildcard(d, defs, seen):
                    return True
            continue
        if _reaches_wildcard(c, defs, seen):
            return True
    return False


def rewrite(doc: etree._ElementTree) -> int:
    """Rewrite ``doc`` in place; return how many element patterns were wrapped."""
    root = doc.getroot()
    if root.tag != R + "grammar":
        return 0
    defs: dict[str, list] = {}
    for d in root.iter(R + "define"):
        defs.setdefault(d.get("name"), []).append(d)
    if any(True for _ in root.iter(R + "include", R + "externalRef", R + "parentRef")) or \
            sum(1 for _ in root.iter(R + "grammar")) > 1:
        return 0  # multi-file or nested grammars: leave them to libxml2 as they are
    n = 0
    for el in list(root.iter(R + "element")):
        kids = [c for c in el if isinstance(c.tag, str) and c.tag.startswith(R)]
        if not kids:
            continue
        name_class = kids[0] if el.get("name") is None else None
        body = [c for c in kids if c is not name_class and not _is_attr_part(c, defs)]
        if not body:
            continue
        inner = [x for b in body for x in b.iter() if isinstance(x.tag, str) and x.tag.startswith(R)]
        if any(_local(x) in ("data", "value", "list") and
               not any(_local(a) == "attribute" for a in x.iterancestors() if a in inner) for x in inner):
            continue
        if not any(_local(x) in ("ref", "element") for x in inner):
            continue
        if any(_reaches_wildcard(b, defs, set()) if _local(b) != "element" else b.get("name") is None
               for b in body):
            continue
        pos = el.index(body[0])
        inter = etree.Element(R + "interleave")
        grp = etree.SubElement(inter, R + "group")
        for b in body:
            grp.append(b)
        opt = etree.SubElement(inter, R + "optional")
        never = etree.SubElement(opt, R + "element", name=f"n{n}", ns=NEVER_NS)
        etree.SubElement(never, R + "notAllowed")
        el.insert(pos, inter)
        n += 1
    return n


def load_fast_relaxng(path: str | os.PathLike) -> tuple[etree.RelaxNG, dict]:
    """Compile the RELAX NG grammar at ``path``, rewritten for speed (cached on disk).

    Returns the compiled schema and facts about how it was made (for reports).
    Falls back to the grammar as written when the rewrite is not possible.
    """
    path = Path(path).resolve()
    data = path.read_bytes()
    key = hashlib.sha256(data + REWRITE_VERSION.encode()).hexdigest()
    cached = cache_dir() / f"{key}.rng"
    info = {"schema": str(path), "cache": str(cached), "rewritten": 0, "from_cache": False}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    doc = None
    if cached.exists():
        try:
            doc = etree.parse(str(cached), parser, base_url=str(path))
            info["from_cache"] = True
            info["rewritten"] = -1
        except etree.XMLSyntaxError:
            doc = None
    if doc is None:
        doc = etree.ElementTree(etree.fromstring(data, parser, base_url=str(path)))
        info["rewritten"] = rewrite(doc)
        if info["rewritten"]:
            try:
                cached.parent.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_suffix(f".{os.getpid()}.tmp")
                doc.write(str(tmp), xml_declaration=True, encoding="utf-8")
                os.replace(tmp, cached)
            except OSError:
                pass  # a read-only cache only costs time
    try:
        return etree.RelaxNG(doc), info
    except etree.RelaxNGParseError:
        if info["rewritten"]:
            plain = etree.ElementTree(etree.fromstring(data, parser, base_url=str(path)))
            info["rewritten"] = 0
            return etree.RelaxNG(plain), info
        raise
