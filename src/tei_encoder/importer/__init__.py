"""Import: other archives' TEI documents and registers into the edition (docs/import.md).

``import_paths(sources, out_dir)`` validates each source, converts it (``normalise``), links its
persons, places and organisations to the register (``entities``), writes ``out_dir/<name>.xml``
and returns a report (``report``). One bad file never stops the batch.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from lxml import etree

from .. import __version__
from ..fileio import Manifest, atomic_write
from ..validation import TeiInputError, parse_untrusted
from .entities import (NAME_KIND, PartnerEntity, RegisterWriter, entities_from_tree, match_entity,
                       normalise_authority, read_register_file)
from .normalise import (PHRASE, SPEC, STYLE_PREFIX, T, TEI_NS, XML_ID, XML_LANG, Converter, _iso, _lang, _text_of,
                        is_tei, local, qname_of, strip_ids)
from .report import DocReport, ImportReport

TEI_ALL_CANDIDATES = [Path(__file__).resolve().parents[4] / "shared" / "reference" / "tei_all.rng",
                      Path.cwd().parent / "shared" / "reference" / "tei_all.rng"]


def tei_all_path() -> Path | None:
    env = os.environ.get("TEI_ALL_RNG")
    if env and Path(env).is_file():
        return Path(env)
    return next((p for p in TEI_ALL_CANDIDATES if p.is_file()), None)


def output_name(src: Path) -> str:
    stem = re.sub(r"[^\w.-]", "-", src.stem)
    return stem if re.match(r"[A-Za-z_]", stem) else f"doc-{stem}"


# ---------------------------------------------------------------- entity linking for one document

class Linker:
    """Resolves a name element's @ref/@key/@corresp to a partner entity, and the entity to the register."""

    def __init__(self, writer: RegisterWriter | None, entities: dict[str, PartnerEntity], origin: str,
                 doc: DocReport, dry_run: bool = False):
        self.writer = writer
        self.entities = entities
        self.origin = origin
        self.doc = doc
        self.dry_run = dry_run
        self.cache: dict[str, str | None] = {}
        self.synth: dict[str, PartnerEntity] = {}

    def _kind(self, el) -> str | None:
        name = local(el)
        if name in NAME_KIND:
            return NAME_KIND[name]
        t = (el.get("type") or "").lower()
        return {"person": "person", "place": "place", "org": "org", "organisation": "org",
                "organization": "org"}.get(t)

    def entity_for(self, el) -> PartnerEntity | None:
        kind = self._kind(el)
        tokens = (el.get("ref") or "").split() + [t for t in (el.get("corresp") or "").split()
                                                  if t.lstrip("#") in self.entities]
        for tok in tokens:
            ident = tok.split("#", 1)[1] if "#" in tok else tok
            if ident in self.entities:
                return self.entities[ident]
            auth = normalise_authority(tok)
            if auth and kind:
                key = f"{auth[0]}:{auth[1]}"
                ent = self.synth.get(key)
                if ent is None:
                    ent = self.synth[key] = PartnerEntity(tok, kind, origin=self.origin)
                    ent.authority[auth[0]].add(auth[1])
                self._add_name(ent, _text_of(el))
                return ent
        key = el.get("key")
        if key and kind:
            ent = self.synth.get("key:" + key)
            if ent is None:
                ent = self.synth["key:" + key] = PartnerEntity(key, kind, origin=self.origin)
                self._add_name(ent, _text_of(el))
                self._add_name(ent, key if "," in key else key)
            else:
                self._add_name(ent, _text_of(el))
            return ent
        return None

    @staticmethod
    def _add_name(ent: PartnerEntity, name: str) -> None:
        if name and name not in ent.names:
            ent.names.append(name)

    def __call__(self, el, record: bool = True):
        """(ref into the register or None, original ref)."""
        ent = self.entity_for(el)
        kind = self._kind(el)
        text = _text_of(el)
        if ent is None:
            if not kind or not text:
                return None, None
            key = f"plain:{kind}:{text}"
            if key not in self.cache:
                m = match_entity(PartnerEntity(text, kind, [text], origin=self.origin), self.writer.index) \
                    if self.writer else None
                self.cache[key] = m.target if m and m.status == "certain" else None
                if record:
                    self.doc.mention(m, text, kind, plain=True)
            elif record:
                self.doc.count_mention(key)
            return self._ref(self.cache[key]), None
        key = f"{ent.origin}#{ent.source_id}"
        if key not in self.cache:
            m = match_entity(ent, self.writer.index) if self.writer else None
            target = None
            if m is not None:
                if m.status == "certain":
                    target = m.target
                    if not self.dry_run:
                        self.doc.enriched += [f"{target}: {x}" for x in self.writer.enrich(target, ent)]
                elif m.status == "new" and not self.dry_run:
                    target = self.writer.add(ent)
                    self.doc.added.append(target)
            self.cache[key] = target
            if record:
                self.doc.mention(m, text or ent.preferred, ent.kind, plain=False)
        elif record:
            self.doc.count_mention(key)
        return self._ref(self.cache[key]), el.get("ref")

    def _ref(self, target: str | None) -> str | None:
        if not target or self.writer is None:
            return None
        e = self.writer.register.by_id[target]
        return f"register/{e.file}#{target}"


# ---------------------------------------------------------------- the header

EDITORIAL = ("Imported from a partner edition by tei-encoder (docs/import.md). The partner's markup is kept: "
             "elements this edition's schema does not admit at their place are seg, ab or div with "
             "type=\"imported\" and subtype naming the partner's element; wrappers the import added have a "
             "subtype starting with \"#\"; attributes not admitted are kept in @style as \"imported {JSON}\". "
             "The partner's whole teiHeader is kept in notesStmt/note[@type=\"imported\"]. xml:ids carry the "
             "document's prefix. Names are linked to the register where the match is certain.")


def _first(root, xpath: str):
    r = root.xpath(xpath, namespaces={"t": TEI_NS})
    return r[0] if r else None


def document_date(root) -> tuple[dict, str] | None:
    for xp in ("t:teiHeader/t:profileDesc/t:creation//t:date",
               "t:teiHeader/t:profileDesc/t:correspDesc/t:correspAction[@type='sent']/t:date",
               "t:teiHeader/t:fileDesc/t:publicationStmt/t:date[@type='created']"):
        for d in root.xpath(xp, namespaces={"t": TEI_NS}):
            attrs = {a: d.get(a) for a in ("when", "from", "to", "notBefore", "notAfter") if d.get(a) and _iso(d.get(a))}
            if attrs:
                return attrs, _text_of(d)
    return None


def build_header(root, conv: Converter, derived: Converter, src: Path, name: str, linker: Linker,
                 input_status: str, sha: str, prolog: list[str]) -> etree._Element:
    h = etree.Element(T + "teiHeader")
    fd = etree.SubElement(h, T + "fileDesc")
    ts = etree.SubElement(fd, T + "titleStmt")
    titles = root.xpath("t:teiHeader/t:fileDesc/t:titleStmt/t:title", namespaces={"t": TEI_NS})
    main = next((t for t in titles if t.get("type") in ("main", "complete")), titles[0] if titles else None)
    title = _text_of(main) if main is not None else ""
    etree.SubElement(ts, T + "title", type="main").text = title or src.stem
    rs = etree.SubElement(ts, T + "respStmt")
    etree.SubElement(rs, T + "resp").text = "Imported into the edition by"
    etree.SubElement(rs, T + "name", type="software").text = f"tei-encoder {__version__}"
    ps = etree.SubElement(fd, T + "publicationStmt")
    etree.SubElement(ps, T + "authority").text = "tei-encoder edition"
    etree.SubElement(ps, T + "idno", type="filename").text = name
    if root.get(XML_ID):
        etree.SubElement(ps, T + "idno", type="source", n="xml:id").text = root.get(XML_ID)
    seen = set()
    for idno in root.xpath("t:teiHeader/t:fileDesc/t:publicationStmt//t:idno | t:teiHeader/t:fileDesc/t:sourceDesc"
                           "//t:msIdentifier/t:idno | t:teiHeader/t:fileDesc/t:sourceDesc//t:altIdentifier/t:idno",
                           namespaces={"t": TEI_NS}):
        v = " ".join((idno.text or "").split())
        if not v or v in seen:
            continue
        seen.add(v)
        if re.match(r"https?://\S+$", v):
            etree.SubElement(ps, T + "idno", type="URL").text = v
        else:
            el = etree.SubElement(ps, T + "idno", type="source")
            el.text = v
            if idno.get("type"):
                el.set("n", idno.get("type"))
    for rel in root.xpath("t:teiHeader/t:fileDesc/t:notesStmt/t:relatedItem[@target]", namespaces={"t": TEI_NS}):
        if rel.get("target", "").startswith("http") and rel.get("target") not in seen:
            seen.add(rel.get("target"))
            etree.SubElement(ps, T + "idno", type="URL").text = rel.get("target")
    lic = root.xpath("t:teiHeader/t:fileDesc/t:publicationStmt/t:availability", namespaces={"t": TEI_NS})
    if lic and _text_of(lic[0]):
        av = etree.SubElement(ps, T + "availability")
        etree.SubElement(av, T + "p").text = _text_of(lic[0])
    # the partner's header, whole
    ns_ = etree.SubElement(fd, T + "notesStmt")
    keep = etree.SubElement(ns_, T + "note", type="imported")
    record = {f"TEI/@{qname_of(root, a)}": v for a, v in root.attrib.items()}
    if prolog:
        record["#prolog"] = prolog
    if record:
        keep.set("style", STYLE_PREFIX + json.dumps(record, ensure_ascii=False, sort_keys=True))
    header = root.find(T + "teiHeader")
    if header is not None:
        keep.append(conv.inline(header, PHRASE))
    sd = etree.SubElement(fd, T + "sourceDesc")
    publisher = _first(root, "t:teiHeader/t:fileDesc/t:publicationStmt/*[self::t:publisher or self::t:authority]")
    bibl = etree.SubElement(sd, T + "bibl", type="partner")
    bibl.text = f"{title or src.stem}. Imported from the partner's file {src.name}" + (
        f" ({_text_of(publisher)})" if publisher is not None and _text_of(publisher) else "") + "."
    ed = etree.SubElement(etree.SubElement(h, T + "encodingDesc"), T + "editorialDecl")
    etree.SubElement(ed, T + "p", n="imported").text = EDITORIAL
    prof = etree.SubElement(h, T + "profileDesc")
    date = document_date(root)
    if date:
        c = etree.SubElement(prof, T + "creation")
        etree.SubElement(c, T + "date", **date[0]).text = date[1] or None
    cd = _corresp(root, derived, linker)
    if cd is not None:
        prof.append(cd)
    langs = []
    for lang in root.xpath("t:teiHeader/t:profileDesc/t:langUsage/t:language[@ident]", namespaces={"t": TEI_NS}):
        if _lang(lang.get("ident")):
            langs.append((lang.get("ident"), _text_of(lang)))
    if langs:
        lu = etree.SubElement(prof, T + "langUsage")
        for ident, txt in langs:
            etree.SubElement(lu, T + "language", ident=ident).text = txt or None
    if not len(prof):
        h.remove(prof)
    rd = etree.SubElement(h, T + "revisionDesc")
    ch = etree.SubElement(rd, T + "change")
    ch.text = (f"Imported by tei-encoder {__version__} from {src.name} (SHA-256 {sha}); the partner's file "
               f"against tei_all: {input_status}.")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        import datetime
        ch.set("when", datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat())
    return h


CORRESP_TYPES = {"sent", "received", "transmitted", "redirected", "forwarded"}
CORRESP_PARTS = {"persName", "orgName", "placeName", "name", "date", "note"}


def _corresp(root, derived: Converter, linker: Linker):
    actions = root.xpath("t:teiHeader/t:profileDesc/t:correspDesc/t:correspAction[@type]", namespaces={"t": TEI_NS})
    out = etree.Element(T + "correspDesc")
    for a in actions:
        if a.get("type") not in CORRESP_TYPES:
            continue
        ca = etree.Element(T + "correspAction", type=a.get("type"))
        for child in a:
            if not is_tei(child) or local(child) not in CORRESP_PARTS:
                continue
            if local(child) in ("persName", "orgName", "placeName", "name") and not _text_of(child) and not len(child):
                ref, _ = linker(child, record=False)
                ent = linker.entity_for(child)
                label = (linker.writer.register.by_id[ref.split("#")[1]].preferred if ref else
                         ent.preferred if ent is not None else "")
                if not label:
                    continue
                el = etree.SubElement(ca, T + local(child))
                if ref:
                    el.set("ref", ref)
                else:
                    el.set("cert", "low")
                el.text = label
                continue
            el = derived.inline(child, CORRESP_PARTS)
            if el.tag == T + "seg":
                continue
            el.tail = None
            ca.append(el)
        if len(ca):
            out.append(ca)
    if not len(out):
        return None
    strip_ids(out)
    return out


# ---------------------------------------------------------------- one document

def import_file(src: Path, out_dir: Path, writer: RegisterWriter | None, *, extra_entities: dict | None = None,
                accept_invalid: bool = False, force: bool = False, manifest: Manifest | None = None,
                dry_run: bool = False) -> DocReport:
    from ..validation.engine import SchemaRef, validate_file, xml_model_refs
    doc = DocReport(str(src))
    try:
        tree = parse_untrusted(src)
    except TeiInputError as exc:
        doc.refuse(f"{exc.path}:{exc.line}: {exc.message}")
        return doc
    root = tree.getroot()
    q = etree.QName(root)
    if q.namespace != TEI_NS or q.localname != "TEI":
        what = f"<{q.localname}>" + (f' in namespace "{q.namespace}"' if q.namespace else " in no namespace")
        doc.refuse(f"{src}:{root.sourceline or 0}: root element is {what}; only TEI P5 documents "
                   f'(<TEI xmlns="{TEI_NS}">) can be imported' + ("; a teiCorpus: import its TEI documents one by one"
                                                                  if q.localname == "teiCorpus" else ""))
        return doc
    # 1. validate the input: tei_all, and the document's own local schemas
    refs = []
    rng = tei_all_path()
    if rng:
        refs.append(SchemaRef("rng", str(rng), "--schema"))
    for r in xml_model_refs(tree, src):
        if "://" not in r.location and Path(r.location).is_file() and r.kind in ("rng", "xsd", "sch"):
            refs.append(r)
    result = validate_file(src, refs) if refs else None
    if result is not None:
        errors = [p for p in result.problems if p.severity == "error"]
        doc.input_validation = {"checked_with": result.checked_with, "not_checked": result.not_checked,
                                "status": result.status(), "errors": len(errors),
                                "first_errors": [f"{src.name}:{p.line}: {p.message} ({p.source})" for p in errors[:5]]}
        input_status = "valid" if not errors else f"invalid ({len(errors)} errors)"
        if errors and not accept_invalid:
            doc.skip(f"not valid against {', '.join(result.checked_with)} ({len(errors)} errors; first: "
                     f"{errors[0].message}); import it anyway with --accept-invalid")
            return doc
    else:
        input_status = "not checked (tei_all.rng not found)"
        doc.warnings.append("tei_all.rng not found: the input was not validated (set TEI_ALL_RNG)")
    # 2. convert
    name = output_name(src)
    out_path = out_dir / f"{name}.xml"
    doc.output = str(out_path)
    manifest = manifest or Manifest(out_dir)
    if not force and out_path.exists() and manifest.hand_edited(out_path.name):
        doc.skip(f"{out_path}: changed by hand since tei-encoder wrote it; not overwritten (use --force)")
        return doc
    entities = entities_from_tree(root, src.name)
    all_entities = dict(extra_entities or {})
    all_entities.update(entities)
    ids = {el.get(XML_ID) for el in root.iter() if isinstance(el.tag, str) and el.get(XML_ID)}
    linker = Linker(writer, all_entities, src.name, doc, dry_run=dry_run)
    prefix = name
    conv = Converter(prefix, ids, linker)
    derived = Converter(prefix, ids, lambda el: linker(el, record=False))
    prolog = []
    node = root.getprevious()
    while node is not None:
        prolog.insert(0, etree.tostring(node, encoding="unicode", with_tail=False).strip())
        node = node.getprevious()
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    out_root = etree.Element(T + "TEI", nsmap={None: TEI_NS})
    out_root.set(XML_ID, prefix)
    lang = root.get(XML_LANG) or (root.find(T + "text").get(XML_LANG) if root.find(T + "text") is not None else None)
    if lang and _lang(lang):
        out_root.set(XML_LANG, lang)
    conv.d.keep("TEI")
    text_src = root.find(T + "text")
    # the body first: names are linked (and new entries added) before the header copy refers to them
    out_text = _convert_text(text_src, conv) if text_src is not None else None
    header = build_header(root, conv, derived, src, name, linker, input_status, sha, prolog)
    out_root.append(header)
    if out_text is None:
        out_text = etree.Element(T + "text")
        b = etree.SubElement(out_text, T + "body")
        d = etree.SubElement(b, T + "div", type="document")
        etree.SubElement(d, T + "ab", type="imported", subtype="#empty")
    out_root.append(out_text)
    # other children of the partner's TEI (facsimile, standOff, sourceDoc …) are kept after their text
    extra = [c for c in root if c is not text_src and c.tag != T + "teiHeader"]
    if extra:
        holder = etree.SubElement(out_text.find(T + "body"), T + "div", type="imported", subtype="#outside-text")
        for c in extra:
            if isinstance(c.tag, str):
                holder.append(conv.block(conv.container_or_ab(c), c))
            else:
                holder.append(conv.misc(c))
        if not any(x.tag in (T + "p", T + "ab", T + "list", T + "div") for x in holder):
            holder.insert(0, etree.Element(T + "ab", type="imported", subtype="#empty"))
    doc.decisions = conv.d
    _check_dates(out_root, doc)
    data = _serialise(out_root, out_dir)
    if not dry_run:
        atomic_write(out_path, data)
        manifest.record(out_path.name, data)
    doc.status = "imported"
    return doc


def _convert_text(text_src, conv: Converter):
    out = etree.Element(T + "text")
    moved = conv.attributes(text_src, out, "text", SPEC["text"])
    conv.set_style(out, moved)
    conv.d.keep("text")
    body = etree.SubElement(out, T + "body")
    out.text = None
    for child in text_src:
        if not isinstance(child.tag, str):
            body.append(conv.misc(child))
            continue
        if child.tag == T + "body":
            div = etree.SubElement(body, T + "div", type="document")
            moved = conv.attributes(child, div, "body", None)
            conv.set_style(div, moved)
            conv.d.convert(child, "body", "div", "the partner's body is the edition's div[@type='document']")
            conv.build_div(div, child)
        else:
            div = conv.as_imported(child, "div", "front and back matter are divisions of the body")
            if div.tag == T + "div":
                conv.build_div(div, child)
            body.append(div)
    if (text_src.text or "").strip() or any((c.tail or "").strip() for c in text_src):
        stray = etree.SubElement(body, T + "div", type="imported", subtype="#text")
        etree.SubElement(stray, T + "ab", type="imported", subtype="#text").text = " ".join(
            x.strip() for x in [text_src.text or ""] + [c.tail or "" for c in text_src] if x.strip())
    if not len(body):
        d = etree.SubElement(body, T + "div", type="document")
        etree.SubElement(d, T + "ab", type="imported", subtype="#empty")
    return out


def _check_dates(out_root, doc: DocReport) -> None:
    ns = {"t": TEI_NS}
    header = out_root.xpath("t:teiHeader/t:profileDesc/t:creation/t:date/@when", namespaces=ns)
    line = out_root.xpath("(.//t:body//t:dateline/t:date[@when])[1]/@when", namespaces=ns)
    if header and line and not (header[0].startswith(line[0]) or line[0].startswith(header[0])):
        doc.warnings.append(f"the partner's document date {header[0]} disagrees with the first dateline date "
                            f"{line[0]}: the creation date is left out; check which is right")
        for c in out_root.xpath("t:teiHeader/t:profileDesc/t:creation", namespaces=ns):
            prof = c.getparent()
            prof.remove(c)
            if not len(prof):
                prof.getparent().remove(prof)


def _serialise(out_root, out_dir: Path) -> bytes:
    from ..encode import schema_hrefs
    xsd, sch = schema_hrefs(out_dir)
    pis = [f'<?xml-model href="{xsd}" type="application/xml" schematypens="http://www.w3.org/2001/XMLSchema"?>',
           f'<?xml-model href="{sch}" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>']
    body = etree.tostring(out_root, encoding="UTF-8", xml_declaration=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(pis) + "\n").encode("utf-8") + body + b"\n"


# ---------------------------------------------------------------- a batch

def import_paths(sources, out_dir: str | Path, *, register_dir: str | Path | None = None,
                 register_from=(), accept_invalid: bool = False, force: bool = False, validate_output: bool = True,
                 check_tei_all: bool = True, dry_run: bool = False, progress=None) -> ImportReport:
    out_dir = Path(out_dir)
    register_dir = Path(register_dir) if register_dir else out_dir / "register"
    report = ImportReport()
    writer = RegisterWriter(register_dir) if register_dir.is_dir() else None
    if writer is None:
        report.warnings.append(f"{register_dir}: no register; names are not linked")
    else:
        report.register_conflicts = writer.index.conflicts()
    extra: dict[str, PartnerEntity] = {}
    for f in register_from:
        try:
            extra.update(read_register_file(Path(f)))
        except TeiInputError as exc:
            report.warnings.append(f"--register-from {f}: {exc.message}")
    files = []
    for s in sources:
        s = Path(s)
        files += sorted(p for p in s.iterdir() if p.suffix.lower() == ".xml") if s.is_dir() else [s]
    manifest = Manifest(out_dir)
    for i, f in enumerate(files):
        try:
            doc = import_file(f, out_dir, writer, extra_entities=extra, accept_invalid=accept_invalid, force=force,
                              manifest=manifest, dry_run=dry_run)
        except Exception as exc:   # one bad file never stops the batch
            doc = DocReport(str(f))
            doc.refuse(f"{f}: import failed: {type(exc).__name__}: {exc}")
        report.documents.append(doc)
        if progress:
            progress(i + 1, len(files), f)
    if writer is not None and not dry_run:
        report.register_files = [str(p) for p in writer.save()]
    if not dry_run:
        manifest.save()
    if validate_output and not dry_run:
        _validate_outputs(report, check_tei_all)
    return report


def _validate_outputs(report: ImportReport, check_tei_all: bool) -> None:
    from ..validation.engine import SchemaRef, validate_file
    rng = tei_all_path() if check_tei_all else None
    for doc in report.documents:
        if doc.status != "imported" or not doc.output:
            continue
        res = validate_file(Path(doc.output))
        errs = [p for p in res.problems if p.severity == "error"]
        doc.output_validation = {"edition": "valid" if not errs and res.checked_with else res.status(),
                                 "checked_with": res.checked_with,
                                 "errors": [f"{Path(doc.output).name}:{p.line}: {p.message} ({p.source})" for p in errs[:20]],
                                 "warnings": sum(1 for p in res.problems if p.severity == "warning")}
        if rng:
            r2 = validate_file(Path(doc.output), [SchemaRef("rng", str(rng), "--schema")])
            e2 = [p for p in r2.problems if p.severity == "error"]
            doc.output_validation["tei_all"] = "valid" if not e2 else f"invalid ({len(e2)})"
            doc.output_validation["tei_all_errors"] = [f"{p.line}: {p.message}" for p in e2[:10]]
