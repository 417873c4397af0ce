"""One hardened XML parser for everything that reads XML we did not write.

``parse_untrusted(path)`` returns an ``lxml`` tree or raises :class:`TeiInputError`
with the file, line and a plain-words message. It never reads a DTD, an
external entity or anything over the network (XXE), refuses entity
declarations that could expand (billion laughs) before libxml2 sees them,
refuses files over a size limit, empty and binary files, and explains
encoding trouble. XIncludes are resolved only on request, only to local
files below the including file's folder, through this same parser.
"""
from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

#: Default size limit for one file (bytes). Override per call or with
#: the environment variable TEI_ENCODER_MAX_BYTES.
DEFAULT_MAX_BYTES = int(os.environ.get("TEI_ENCODER_MAX_BYTES", 200 * 1024 * 1024))

XI_NS = "http://www.w3.org/2001/XInclude"
XI_NS_OLD = "http://www.w3.org/2003/XInclude"


class TeiInputError(Exception):
    """A file that cannot be read as XML. ``line``/``column`` are 1-based or 0 when unknown."""

    def __init__(self, path: str | os.PathLike, line: int, message: str, column: int = 0,
                 kind: str = "not-well-formed") -> None:
        self.path = str(path)
        self.line = int(line or 0)
        self.column = int(column or 0)
        self.message = message
        self.kind = kind
        super().__init__(f"{self.path}:{self.line}:{self.column}: {message}")


def _parser() -> etree.XMLParser:
    # A fresh parser per document: lxml parsers are not thread-safe and keep error logs.
    return etree.XMLParser(
        resolve_entities=False,  # never substitute entities (no XXE, no expansion)
        load_dtd=False,          # never fetch the external DTD subset
        dtd_validation=False,
        attribute_defaults=False,
        no_network=True,
        huge_tree=False,         # keep libxml2's depth/size safety limits
        remove_comments=False,
        remove_pis=False,
        collect_ids=False,
    )


_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.I)
_ENTITY_RE = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(SYSTEM|PUBLIC|\"|')", re.S)


def _detect_encoding_problem(data: bytes) -> str | None:
    """Return a message when ``data`` has no declaration/BOM and is not UTF-8."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    head = data[:200]
    m = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", head)
    if m:
        name = m.group(1).decode("ascii")
        try:
            codecs.lookup(name)
        except LookupError:
            return f'the XML declaration names an unknown encoding "{name}"'
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 1].hex().upper()
        return (f"line {line}: byte 0x{bad} is not UTF-8 and the XML declaration names no encoding; "
                f"convert the file to UTF-8 or declare its encoding "
                f'(e.g. <?xml version="1.0" encoding="ISO-8859-1"?>)')
    return None


def _looks_binary(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        # UTF-16 without BOM starts with '<\0' or '\0<'
        return not (sample.startswith(b"<\x00") or sample.startswith(b"\x00<"))
    return False


def _check_dtd(path: str, data: bytes) -> None:
    """Refuse entity declarations: external ones (XXE) and any internal ones (expansion bombs)."""
    m = _DOCTYPE_RE.search(data[:1_000_000])
    if not m:
        return
    for em in _ENTITY_RE.finditer(data[:2_000_000]):
        line = data.count(b"\n", 0, em.start()) + 1
        name = em.group(2).decode("utf-8", "replace")
        if em.group(3) in (b"SYSTEM", b"PUBLIC"):
            raise TeiInputError(path, line, f'the DTD declares the external entity "{name}"; external entities '
                                f"are never read (they can leak local files or reach the network)", kind="refused")
        raise TeiInputError(path, line, f'the DTD declares the entity "{name}"; entity declarations are refused '
                            f"(they can expand without bound); replace the entity by its text or a character reference",
                            kind="refused")


def parse_untrusted_bytes(data: bytes, path: str | os.PathLike = "<bytes>", *,
                          max_bytes: int | None = None) -> etree._ElementTree:
    """Parse ``data`` (the content of ``path``) with the hardened parser."""
    path = str(path)
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        raise TeiInputError(path, 0, f"file is {len(data):,} bytes, over the limit of {limit:,} bytes "
                            f"(raise it with --max-size)", kind="too-large")
    if not data.strip():
        raise TeiInputError(path, 0, "file is empty: expected an XML document", kind="empty")
    if _looks_binary(data):
        raise TeiInputError(path, 0, "file is binary (it contains NUL bytes), not XML", kind="binary")
    problem = _detect_encoding_problem(data)
    if problem:
        raise TeiInputError(path, 0, problem, kind="encoding")
    _check_dtd(path, data)
    parser = _parser()
    try:
        root = etree.fromstring(data, parser, base_url=path)
    except etree.XMLSyntaxError as exc:
        entry = exc.error_log.last_error if exc.error_log else None
        line = getattr(entry, "line", 0) or (exc.position[0] if exc.position else 0)
        col = getattr(entry, "column", 0) or (exc.position[1] if exc.position else 0)
        msg = (entry.message if entry is not None else str(exc)).strip()
        raise TeiInputError(path, line, f"not well-formed XML: {msg}", column=col) from None
    except ValueError as exc:  # e.g. unknown encoding
        raise TeiInputError(path, 0, f"cannot be read as XML: {exc}") from None
    if root is None:
        raise TeiInputError(path, 0, "no root element", kind="empty")
    return root.getroottree()


def parse_untrusted(path: str | os.PathLike, *, max_bytes: int | None = None,
                    xinclude: bool = False) -> etree._ElementTree:
    """Read ``path`` safely and return its tree.

    Raises :class:`TeiInputError` (file, line, message) for anything that is not
    a safe, well-formed XML document. With ``xinclude=True`` XIncludes are
    resolved by :func:`resolve_xincludes` (local files below the file's folder only).
    """
    p = Path(path)
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    try:
        size = p.stat().st_size
        if size > limit:
            raise TeiInputError(path, 0, f"file is {size:,} bytes, over the limit of {limit:,} bytes "
                                f"(raise it with --max-size)", kind="too-large")
        data = p.read_bytes()
    except TeiInputError:
        raise
    except IsADirectoryError:
        raise TeiInputError(path, 0, "is a folder, not a file", kind="unreadable") from None
    except OSError as exc:
        raise TeiInputError(path, 0, f"cannot be read: {exc.strerror or exc}", kind="unreadable") from None
    tree = parse_untrusted_bytes(data, str(p), max_bytes=limit)
    if xinclude:
        resolve_xincludes(tree, p, max_bytes=limit)
    return tree


@dataclass
class XIncludeNote:
    line: int
    message: str


def resolve_xincludes(tree: etree._ElementTree, path: Path, *, max_bytes: int | None = None,
                      depth: int = 0) -> list[XIncludeNote]:
    """Replace ``xi:include`` (parse="xml", no xpointer) by the included file's root.

    Only local relative hrefs that stay below ``path``'s folder are read; anything
    else (absolute paths, URLs, ``..``, missing files) falls back to
    ``xi:fallback`` when present and is reported in the returned notes (and in
    ``tree.xinclude_notes``-like list that the caller keeps).
    """
    notes: list[XIncludeNote] = []
    base = path.resolve().parent
    for inc in list(tree.getroot().iter(f"{{{XI_NS}}}include", f"{{{XI_NS_OLD}}}include")):
        href = inc.get("href", "")
        line = inc.sourceline or 0
        reason = None
        target = None
        if inc.get("parse", "xml") != "xml" or inc.get("xpointer"):
            reason = "only whole-file XML includes are resolved"
        elif not href or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith(("/", "\\")):
            reason = "only relative local files are included (no URLs, no absolute paths)"
        else:
            target = (base / href).resolve()
            if base not in target.parents:
                reason = f'"{href}" lies outside the folder of the including file; not read'
                target = None
            elif not target.is_file():
                reason = f'"{href}" does not exist'
                target = None
        replacement: list = []
        if target is not None and depth < 8:
            try:
                sub = parse_untrusted(target, max_bytes=max_bytes)
                notes += resolve_xincludes(sub, target, max_bytes=max_bytes, depth=depth + 1)
                replacement = [sub.getroot()]
            except TeiInputError as exc:
                reason = f'"{href}" cannot be included: {exc.message}'
        if reason is not None:
            fb = inc.find(f"{{{XI_NS}}}fallback")
            if fb is None:
                fb = inc.find(f"{{{XI_NS_OLD}}}fallback")
            if fb is not None:
                notes.append(XIncludeNote(line, f"XInclude {reason}; used its fallback"))
                replacement = list(fb)
                text = fb.text
            else:
                notes.append(XIncludeNote(line, f"XInclude {reason}; no fallback, include removed"))
                text = None
        else:
            text = None
        parent = inc.getparent()
        if parent is None:
            continue
        idx = parent.index(inc)
        tail = inc.tail
        parent.remove(inc)
        # keep text of the fallback and the include's tail in place
        prev = parent[idx - 1] if idx > 0 else None
        def _add_text(s):
            if not s:
                return
            if prev is None:
                parent.text = (parent.text or "") + s
            else:
                prev.tail = (prev.tail or "") + s
        _add_text(text)
        for i, node in enumerate(replacement):
            parent.insert(idx + i, node)
            prev = node
        _add_text(tail)
    return notes
