"""Validate TEI files against RELAX NG, XSD and Schematron; collect readable problems.

Each schema is compiled once per thread and process (the compiled objects keep their error log); each file
is parsed once with the hardened parser (:mod:`.xmlsafe`) and checked against
all schemas that apply to it.
"""
from __future__ import annotations

import difflib
import functools
import threading
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from lxml import etree

from .model import FileResult, Problem
from .rngfast import load_fast_relaxng
from .schematron import Schematron, SchematronUnsupported
from .xmlsafe import TeiInputError, parse_untrusted, parse_untrusted_bytes, resolve_xincludes

TEI_NS = "http://www.tei-c.org/ns/1.0"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

SCHEMA_DIR_CANDIDATES = [Path(__file__).resolve().parents[3] / "schemas", Path.cwd() / "schemas"]


def project_schemas() -> list[Path]:
    """The edition's own schema and Schematron (schemas/edition.xsd, schemas/edition.sch)."""
    for d in SCHEMA_DIR_CANDIDATES:
        if (d / "edition.xsd").is_file():
            return [p for p in (d / "edition.xsd", d / "edition.sch") if p.is_file()]
    return []


@dataclass(frozen=True)
class SchemaRef:
    kind: str  # rng | xsd | sch | unknown
    location: str  # path or URL as given
    origin: str  # "default", "--schema", "xml-model"

    @property
    def name(self) -> str:
        return Path(self.location).name if "://" not in self.location else self.location


def kind_of(location: str, schematypens: str | None = None, type_: str | None = None) -> str:
    if schematypens == RNG_NS:
        return "rng"
    if schematypens == XSD_NS:
        return "xsd"
    if schematypens == SCH_NS:
        return "sch"
    low = location.lower().split("?")[0]
    for ext, kind in ((".rng", "rng"), (".xsd", "xsd"), (".sch", "sch"), (".rnc", "rnc")):
        if low.endswith(ext):
            return kind
    return "unknown"


# ---------------------------------------------------------------- loaders (once per process)

_per_thread = threading.local()


def _once_per_thread(loader):
    """Compile a schema once per thread: lxml's validators keep their error log in the compiled
    object, so threads validating at the same time each need their own (from the disk cache for
    RELAX NG: 0.05 s)."""
    def load(path: str):
        cache = _per_thread.__dict__.setdefault(loader.__name__, {})
        if path not in cache:
            cache[path] = loader(path)
        return cache[path]
    load.__name__ = loader.__name__
    load.__doc__ = loader.__doc__
    return load


@_once_per_thread
def load_rng(path: str) -> etree.RelaxNG:
    return load_fast_relaxng(path)[0]


class XsdSchema:
    """An XSD checked by xmlschema, with libxml2 as a fast first pass for the project's own schema.

    xmlschema (pure Python) explains every error well but takes ~8 ms per edition document;
    libxml2 decides validity in ~0.2 ms. For edition.xsd, whose verdicts the two engines agree on
    (tests compare them on the edition and on thousands of mutated documents), a document libxml2
    accepts is valid and only a rejected one is handed to xmlschema for its messages. Schemas from
    elsewhere (``--schema``, xml-model) go to xmlschema alone: libxml2 would fetch their imports."""

    def __init__(self, path: str, fast: bool):
        self.path = path
        self.fast = etree.XMLSchema(etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True))) \
            if fast else None
        self._full = None if fast else self._load_full()

    def _load_full(self):
        import xmlschema
        return xmlschema.XMLSchema(self.path, allow="local", defuse="always")

    @property
    def full(self):
        if self._full is None:
            self._full = self._load_full()
        return self._full


@_once_per_thread
def load_xsd(path: str) -> XsdSchema:
    own = any(str(p.resolve()) == path for p in project_schemas())
    return XsdSchema(path, fast=own)


@_once_per_thread
def load_sch(path: str) -> Schematron:
    return Schematron(path)


class SchemaLoadError(Exception):
    pass


def _load(ref: SchemaRef):
    path = str(Path(ref.location).resolve())
    try:
        if ref.kind == "rng":
            return load_rng(path)
        if ref.kind == "xsd":
            return load_xsd(path)
        if ref.kind == "sch":
            return load_sch(path)
    except SchematronUnsupported as exc:
        raise SchemaLoadError(f"Schematron not supported: {exc}") from None
    except (etree.RelaxNGParseError, etree.XMLSyntaxError) as exc:
        raise SchemaLoadError(f"cannot compile {ref.name}: {exc}") from None
    except OSError as exc:
        raise SchemaLoadError(f"cannot read {ref.name}: {exc.strerror or exc}") from None
    except Exception as exc:  # xmlschema raises its own hierarchy
        raise SchemaLoadError(f"cannot compile {ref.name}: {exc}") from None
    raise SchemaLoadError(f"{ref.name}: unknown schema language (use .rng, .xsd or .sch)")


# ---------------------------------------------------------------- xml-model

_PSEUDO = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def xml_model_refs(tree: etree._ElementTree, file: Path) -> list[SchemaRef]:
    refs = []
    node = tree.getroot().getprevious()
    pis = []
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            pis.append(node)
        node = node.getprevious()
    for pi in reversed(pis):
        attrs = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _PSEUDO.finditer(pi.text or "")}
        href = attrs.get("href")
        if not href:
            continue
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", href):
            loc = href
        else:
            loc = str((file.parent / href).resolve())
        refs.append(SchemaRef(kind_of(href, attrs.get("schematypens"), attrs.get("type")), loc, "xml-model"))
    return refs


# ---------------------------------------------------------------- register

def find_register_dir(file: Path) -> Path | None:
    d = file.resolve().parent
    for cand in [d, *d.parents]:
        if cand.name == "register" and any(cand.glob("*.xml")):
            return cand
        if (cand / "register").is_dir():
            return cand / "register"
        if (cand / ".git").exists():
            break
    return None


@dataclass(frozen=True)
class RegisterIndex:
    """The register's entries by xml:id: ``id -> ((file name, rel), …)``, one pair per entry."""
    by_id: dict

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.by_id)

    def subset_for(self, tree) -> etree._Element:
        """The register as the Schematron's ``$register``, cut to the entries whose xml:id the
        document names after a '#' in any attribute (``@ref``, ``@corresp``, …).

        ``<register><file name="persons.xml" rel="register/persons.xml"><person xml:id=…/>…``.
        Rules look entries up by the ids a document points to, and for those the answer is the
        same as with every entry; a walk over ~1,400 entries per pointer was 95 % of validation."""
        wanted = set()
        for value in tree.getroot().xpath("//@*[contains(., '#')]"):
            for token in value.split():
                if "#" in token:
                    wanted.add(token.split("#", 1)[1])
        files: dict = {}
        root = etree.Element("register")
        for id_ in sorted(wanted & self.by_id.keys()):
            for (name, rel, tag) in self.by_id[id_]:
                f = files.get(name)
                if f is None:
                    f = files[name] = etree.SubElement(root, "file", name=name, rel=rel)
                etree.SubElement(f, tag, {XML_ID: id_})
        return root


@functools.lru_cache(maxsize=8)
def _register(dir_: str, stamp: tuple) -> RegisterIndex:
    """Every register entry (an element with xml:id directly in a list*) of the folder's files."""
    by_id: dict = {}
    for path in sorted(Path(dir_).glob("*.xml")):
        try:
            tree = parse_untrusted(path)
        except TeiInputError:
            continue
        for el in tree.getroot().iter():
            if not isinstance(el.tag, str) or el.get(XML_ID) is None:
                continue
            parent = el.getparent()
            if parent is not None and etree.QName(parent).localname.startswith("list"):
                by_id.setdefault(el.get(XML_ID), []).append((path.name, f"register/{path.name}", el.tag))
    return RegisterIndex({k: tuple(v) for k, v in by_id.items()})


def _register_from_refs(file: Path, tree) -> Path | None:
    """The register a document's own @ref paths point to ("../tei/register/persons.xml#x")."""
    if tree is None:
        return None
    for ref in tree.getroot().xpath("//@ref[contains(., '.xml#')]")[:20]:
        path = ref.split("#", 1)[0]
        if "://" in path or path.startswith("/"):
            continue
        cand = (file.resolve().parent / path).resolve().parent
        if cand.is_dir() and any(cand.glob("*.xml")):
            return cand
    return None


def register_for(file: Path, tree=None):
    d = _register_from_refs(file, tree) or find_register_dir(file)
    if d is None:
        return None
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(d.glob("*.xml")))
    return _register(str(d), stamp)


# ---------------------------------------------------------------- messages

def element_path(el: etree._Element) -> str:
    parts = []
    while el is not None and isinstance(el.tag, str):
        name = etree.QName(el).localname
        parent = el.getparent()
        if parent is None:
            parts.append(name)
        else:
            same = [c for c in parent if c.tag == el.tag]
            parts.append(f"{name}[{same.index(el) + 1}]" if len(same) > 1 else name)
        el = parent
    return "/" + "/".join(reversed(parts))


def _clean_libxml_path(p: str | None) -> str:
    if not p:
        return ""
    return re.sub(r"\b[\w.-]+:", "", p).replace("[1]", "") if p else ""


_RNG_PATTERNS = [
    (re.compile(r"Did not expect element (\S+) there"), "element <{0}> is not allowed here"),
    (re.compile(r"Expecting element (\S+), got (\S+)"), "expected element <{0}> here, found <{1}>"),
    (re.compile(r"Element (\S+) has extra content: (\S+)"), "<{0}> has content that is not allowed: <{1}>"),
    (re.compile(r"Invalid attribute (\S+) for element (\S+)"), 'attribute "{0}" is not allowed on <{1}>'),
    (re.compile(r"Element (\S+) failed to validate attributes"), "<{0}> has an attribute that is not allowed or a value that is not valid"),
    (re.compile(r"Element (\S+) failed to validate content"), "<{0}> has content that does not match its content model"),
    (re.compile(r"Expecting an element (\S+), got nothing"), "<{0}> is missing here"),
    (re.compile(r"Expecting a namespace for element (\S+)"), "element <{0}> has no namespace; TEI elements must be in http://www.tei-c.org/ns/1.0"),
    (re.compile(r"Element (\S+) has wrong namespace: expecting (\S+)"), "element <{0}> is in the wrong namespace; expected {1}"),
    (re.compile(r"Type (\S+) doesn't allow value '(.*)'"), 'value "{1}" is not a valid {0}'),
    (re.compile(r"Error validating datatype (\S+)"), "a value is not a valid {0}"),
]


def humanize_rng(msg: str) -> str:
    msg = msg.strip()
    for rx, tmpl in _RNG_PATTERNS:
        m = rx.search(msg)
        if m:
            return tmpl.format(*m.groups())
    return msg


# ---------------------------------------------------------------- runners

def _resolve_libxml_path(tree, p: str | None):
    if not p:
        return None
    try:
        r = tree.xpath(p)
    except etree.XPathError:
        return None
    return r[0] if r and isinstance(r[0], etree._Element) else None


def _run_rng(schema: etree.RelaxNG, tree, ref: SchemaRef) -> list[Problem]:
    if schema.validate(tree):
        return []
    out = []
    seen = set()
    entries = list(schema.error_log)
    for i, e in enumerate(entries):
        msg = e.message.strip()
        if msg.startswith("Invalid sequence in interleave"):
            continue  # an artefact of the speed rewrite (see rngfast); the real error is reported too
        m = re.match(r"Extra element (\S+) in interleave", msg)
        if m:
            msg = f"Did not expect element {m.group(1)} there"
        el = _resolve_libxml_path(tree, getattr(e, "path", ""))
        line = e.line or (el.sourceline if el is not None else 0) or 0
        if not line and i + 1 < len(entries):
            line = entries[i + 1].line or 0
        path = element_path(el) if el is not None else _clean_libxml_path(getattr(e, "path", ""))
        text = humanize_rng(msg)
        key = (line, text)
        if key in seen:
            continue
        seen.add(key)
        out.append(Problem(line, e.column or 0, "error",
                           f"{path}: {text}" if path else text, ref.name, "relaxng", path=path))
    if not out:
        out.append(Problem(0, 0, "error", "the document does not match the grammar", ref.name, "relaxng"))
    # libxml2 repeats a failure at every ancestor ("failed to validate content"): keep the specific ones
    specific = [p for p in out if "does not match its content model" not in p.message]
    return specific or out


_XSD_VALUE = re.compile(r"value (?:doesn't|does not) match|not an element of the set|invalid value|"
                        r"attribute .* value", re.I)


def _run_xsd(schema: XsdSchema, tree, ref: SchemaRef) -> list[Problem]:
    if schema.fast is not None and schema.fast.validate(tree):
        return []
    out = _xmlschema_problems(schema.full, tree, ref)
    if not out and schema.fast is not None:  # the engines disagree: libxml2's words, never a silent pass
        out = [Problem(e.line or 0, e.column or 0, "error", _clean_libxml_message(e.message), ref.name, "xsd",
                       path=_clean_libxml_path(e.path))
               for e in schema.fast.error_log]
    return out


def _clean_libxml_message(msg: str) -> str:
    return msg.replace("{http://www.tei-c.org/ns/1.0}", "").replace(
        "{http://www.w3.org/XML/1998/namespace}", "xml:").strip().rstrip(".")


def _xmlschema_problems(schema, tree, ref: SchemaRef) -> list[Problem]:
    out = []
    for err in schema.iter_errors(tree):
        el = err.elem if hasattr(err, "elem") else None
        line = getattr(err, "sourceline", None) or (el.sourceline if el is not None and hasattr(el, "sourceline") else 0)
        path = element_path(el) if isinstance(el, etree._Element) else (err.path or "")
        reason = (err.reason or err.message or "").strip().rstrip(".")
        attr = value = expected = ""
        m = re.search(r"attribute ['\"]?([\w:{}/.-]+)['\"]?", reason)
        if m:
            attr = re.sub(r"^\{http://www.w3.org/XML/1998/namespace\}", "xml:", m.group(1))
        if isinstance(err.obj, str):
            value = err.obj
        m = re.search(r"(?:valid|one of|must be|pattern)[^.]*", reason)
        if m:
            expected = m.group(0)
        reason = reason.replace("{http://www.tei-c.org/ns/1.0}", "").replace(
            "{http://www.w3.org/XML/1998/namespace}", "xml:")
        if value and value not in reason:
            reason += f' (value "{value}")'
        if "Tag" in reason and "expected" in reason:
            reason = reason.replace("Unexpected child with tag", "element").replace("Tag ", "")
        out.append(Problem(line or 0, 0, "error", f"{path}: {reason}", ref.name, "xsd", path=path,
                           attribute=attr, value=value, expected=expected))
    return out


def _hint_for_ref(value: str, ids: tuple[str, ...]) -> str:
    target = value.split("#", 1)[1] if "#" in value else value
    close = difflib.get_close_matches(target, ids, n=1, cutoff=0.7)
    if not close:
        return ""
    prefix = value.split("#", 1)[0]
    return f'did you mean "{prefix}#{close[0]}"?'


def _run_sch(schema: Schematron, tree, ref: SchemaRef, file: Path) -> list[Problem]:
    index = register_for(file, tree)
    params = {}
    if index is not None:
        params["register"] = index.subset_for(tree)
    elif any(name == "register" for name, _ in schema.global_lets):
        params["register"] = etree.Element("register")
    out = []
    for f in schema.run(tree, params):
        node = f.node
        attr = value = hint = ""
        m = re.search(r"@([\w:-]+)", f.test)
        if m:
            attr = m.group(1)
            ns_attr = "{http://www.w3.org/XML/1998/namespace}" + attr[4:] if attr.startswith("xml:") else attr
            value = node.get(ns_attr, "") if isinstance(node, etree._Element) else ""
        if f.id.startswith("ref-") and value:
            hint = _hint_for_ref(value, index.ids if index is not None else ())
        path = element_path(node) if isinstance(node, etree._Element) else ""
        msg = f"{path}: {f.text}"
        if hint:
            msg += f"; {hint}"
        out.append(Problem(getattr(node, "sourceline", 0) or 0, 0, f.severity, msg, ref.name, f.id,
                           path=path, attribute=attr, value=value, hint=hint))
    return out


# ---------------------------------------------------------------- files

def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() == ".xml")
        else:
            yield p


def _root_check(tree, file: Path, expect_tei: bool) -> list[Problem]:
    root = tree.getroot()
    q = etree.QName(root)
    if not expect_tei:
        return []
    if q.namespace != TEI_NS:
        ns = f'namespace "{q.namespace}"' if q.namespace else "no namespace"
        return [Problem(root.sourceline or 0, 0, "error",
                        f"/{q.localname}: root element <{q.localname}> is in {ns}; a TEI document's root is "
                        f'<TEI> (or <teiCorpus>) in the namespace "{TEI_NS}"; add xmlns="{TEI_NS}"',
                        "xml", "root", path=f"/{q.localname}", expected=f"TEI in {TEI_NS}")]
    if q.localname not in ("TEI", "teiCorpus"):
        return [Problem(root.sourceline or 0, 0, "error",
                        f"/{q.localname}: root element is <{q.localname}>; expected <TEI> or <teiCorpus>",
                        "xml", "root", path=f"/{q.localname}", expected="TEI or teiCorpus")]
    return []


def validate_file(file: Path, schemas: list[SchemaRef] | None = None, *, use_xml_model: bool = True,
                  max_bytes: int | None = None, data: bytes | None = None) -> FileResult:
    """Validate one file. ``schemas=None`` means the project's schemas plus local xml-model ones.

    ``data``: the file's bytes when the caller has them already (the build validates a document
    it has just encoded, before it is written to ``file``); the result is the same as reading it."""
    t0 = time.perf_counter()
    res = FileResult(str(file))
    try:
        tree = parse_untrusted(file, max_bytes=max_bytes) if data is None else \
            parse_untrusted_bytes(data, str(file), max_bytes=max_bytes)
    except TeiInputError as exc:
        res.unreadable = True
        res.problems.append(Problem(exc.line, exc.column, "error", exc.message, "xml", exc.kind))
        res.seconds = time.perf_counter() - t0
        return res
    if tree.docinfo.system_url:
        res.problems.append(Problem(1, 0, "info", f'the DOCTYPE names the DTD "{tree.docinfo.system_url}"; DTDs are '
                                    f"never loaded (no entities, no default attributes)", "xml", "dtd-ignored"))
    for note in resolve_xincludes(tree, file, max_bytes=max_bytes):
        res.problems.append(Problem(note.line, 0, "warning", note.message, "xml", "xinclude"))
    refs: list[SchemaRef] = []
    default = schemas is None
    if default:
        refs = [SchemaRef(kind_of(str(p)), str(p), "default") for p in project_schemas()]
    else:
        refs = list(schemas)
    if use_xml_model and default:
        have = {str(Path(r.location).resolve()) for r in refs if "://" not in r.location}
        for r in xml_model_refs(tree, file):
            if "://" in r.location or str(Path(r.location).resolve()) not in have:
                refs.append(r)
                if "://" not in r.location:
                    have.add(str(Path(r.location).resolve()))
    res.problems += _root_check(tree, file, expect_tei=default)
    if res.problems and any(p.rule == "root" for p in res.problems):
        res.seconds = time.perf_counter() - t0
        res.checked_with.append("root check")
        return res
    for ref in refs:
        if "://" in ref.location:
            why = f"{ref.location} (from {ref.origin}): remote schema not fetched; not checked"
            res.not_checked.append(why)
            res.problems.append(Problem(0, 0, "warning", why, ref.location, "not-checked"))
            continue
        if ref.kind == "rnc":
            why = f"{ref.name}: RELAX NG compact syntax is not supported; convert it with trang; not checked"
            res.not_checked.append(why)
            res.problems.append(Problem(0, 0, "warning", why, ref.name, "not-checked"))
            continue
        try:
            schema = _load(ref)
        except SchemaLoadError as exc:
            why = f"{ref.name} (from {ref.origin}): {exc}; not checked"
            res.not_checked.append(why)
            res.problems.append(Problem(0, 0, "warning", why, ref.name, "not-checked"))
            continue
        try:
            if ref.kind == "rng":
                res.problems += _run_rng(schema, tree, ref)
            elif ref.kind == "xsd":
                res.problems += _run_xsd(schema, tree, ref)
            else:
                res.problems += _run_sch(schema, tree, ref, file)
            res.checked_with.append(ref.name)
        except SchematronUnsupported as exc:
            why = f"{ref.name}: {exc}; not checked"
            res.not_checked.append(why)
            res.problems.append(Problem(0, 0, "warning", why, ref.name, "not-checked"))
    res.problems.sort(key=lambda p: (p.line, p.column))
    res.seconds = time.perf_counter() - t0
    return res


def validate_paths(paths: Iterable[str | Path], schema_files: list[str] | None = None, *,
                   max_bytes: int | None = None, progress=None) -> list[FileResult]:
    refs = None
    if schema_files:
        refs = [SchemaRef(kind_of(s), s if "://" in s else str(Path(s).resolve()), "--schema") for s in schema_files]
    files = list(iter_files(paths))
    results = []
    for i, f in enumerate(files):
        results.append(validate_file(f, refs, max_bytes=max_bytes))
        if progress:
            progress(i + 1, len(files), f)
    return results
