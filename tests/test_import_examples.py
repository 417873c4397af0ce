"""Import of the partners' real files (FRUS, frus-history, Escher, Schnitzler, correspondence SIG) into a
copy of the edition: nothing lost, everything valid, the real register untouched."""
from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from tei_encoder.importer import import_paths
from tei_encoder.importer.normalise import TEI_NS, qname_of
from tei_encoder.validation import parse_untrusted
from tei_encoder.validation.engine import SchemaRef, validate_file

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT.parent / "shared" / "reference" / "external-tei"
TEI_ALL = ROOT.parent / "shared" / "reference" / "tei_all.rng"
PATTERNS = ("frus--*.xml", "hsg--frus-history--*.xml", "escher--*.xml", "schnitzler--*.xml", "correspsig--*.xml")
EXAMPLES = sorted(p for pat in PATTERNS for p in EXT.glob(pat)) if EXT.is_dir() else []
T = f"{{{TEI_NS}}}"

pytestmark = pytest.mark.skipif(not EXAMPLES, reason="shared/reference/external-tei not found")


def _register_hash() -> str:
    h = hashlib.sha256()
    for p in sorted((ROOT / "tei" / "register").glob("*.xml")):
        h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    before = _register_hash()
    edition = tmp_path_factory.mktemp("edition")
    shutil.copytree(ROOT / "tei" / "register", edition / "tei" / "register")
    report = import_paths(EXAMPLES, edition / "tei", accept_invalid=True, validate_output=False)
    assert _register_hash() == before, "the real register was modified"
    return edition, report, {Path(d.source).name: d for d in report.documents}


def test_every_example_is_imported(imported):
    _, report, docs = imported
    assert [d.source for d in report.documents] == [str(p) for p in EXAMPLES]
    bad = {n: d.message for n, d in docs.items() if d.status != "imported"}
    assert not bad


def _texts(root) -> list[str]:
    return [" ".join(t.split()) for t in root.xpath("//text()") if t.strip()]


@pytest.mark.parametrize("src", EXAMPLES, ids=lambda p: p.name)
def test_no_text_lost_in_order(imported, src):
    _, _, docs = imported
    out = parse_untrusted(Path(docs[src.name].output)).getroot()
    stream = " ".join(_texts(out))
    pos = 0
    for piece in _texts(parse_untrusted(src).getroot()):
        found = stream.find(piece, pos)
        assert found >= 0, f"{src.name}: text {piece[:80]!r} missing or out of order after {stream[max(0, pos-60):pos]!r}"
        pos = found + len(piece)


@pytest.mark.parametrize("src", EXAMPLES, ids=lambda p: p.name)
def test_every_element_kept_or_reported(imported, src):
    _, _, docs = imported
    doc = docs[src.name]
    theirs = Counter(local_name(el) for el in parse_untrusted(src).getroot().iter() if isinstance(el.tag, str))
    elements = doc.elements()
    out = parse_untrusted(Path(doc.output)).getroot()
    ours = Counter(local_name(el) for el in out.iter() if isinstance(el.tag, str))
    imported_as = Counter(el.get("subtype") for el in out.iter(T + "seg", T + "ab", T + "div")
                          if el.get("type") == "imported")
    imported_as["body"] += len(out.findall(f".//{T}body/{T}div[@type='document']"))
    for name, n in theirs.items():
        rec = elements.get(name, {"kept": 0, "converted": 0})
        assert rec["kept"] + rec["converted"] == n, f"{src.name}: <{name}> {n} in the source, report {rec}"
        assert ours[name] >= rec["kept"], f"{src.name}: <{name}> reported kept {rec['kept']}, found {ours[name]}"
        assert imported_as[name] >= rec["converted"], f"{src.name}: <{name}> converted {rec['converted']}"
        if rec["converted"]:
            assert rec["why"] and rec["as"]


def local_name(el) -> str:
    return etree.QName(el).localname if etree.QName(el).namespace == TEI_NS else qname_of(el, el.tag)


@pytest.mark.parametrize("src", EXAMPLES, ids=lambda p: p.name)
def test_imported_document_is_valid(imported, src):
    """Edition XSD and tei_all on every file; the Schematron (slow on 3 MB) on all but the biggest."""
    edition, _, docs = imported
    out = Path(docs[src.name].output)
    schemas = [SchemaRef("xsd", str(ROOT / "schemas" / "edition.xsd"), "--schema")]
    if TEI_ALL.exists():
        schemas.append(SchemaRef("rng", str(TEI_ALL), "--schema"))
    if out.stat().st_size < 1_500_000:
        schemas.append(SchemaRef("sch", str(ROOT / "schemas" / "edition.sch"), "--schema"))
    res = validate_file(out, schemas)
    errors = [f"{p.line}: {p.message} ({p.source})" for p in res.problems if p.severity == "error"]
    assert not errors, errors[:5]
    assert len(res.checked_with) == len(schemas)


def test_header_conventions_and_ids(imported):
    _, _, docs = imported
    doc = docs["escher--K_0678.xml"]
    data = Path(doc.output).read_bytes()
    assert b'<?xml-model href="' in data and b"schemas/edition.xsd" in data and b"schemas/edition.sch" in data
    root = etree.fromstring(data)
    ns = {"t": TEI_NS}
    assert root.get("{http://www.w3.org/XML/1998/namespace}id") == "escher--K_0678"
    assert root.xpath("string(t:teiHeader/t:fileDesc/t:titleStmt/t:title[@type='main'])", namespaces=ns).startswith("Hans Jakob Fierz an Alfred Escher")
    assert root.xpath("t:teiHeader/t:profileDesc/t:creation/t:date/@when", namespaces=ns) == ["1849-08-17"]
    assert root.xpath("t:teiHeader/t:fileDesc/t:publicationStmt/t:idno[@type='source']/text()", namespaces=ns)[0] == "K_0678"
    assert "escher--K_0678.xml" in root.xpath("string(t:teiHeader/t:revisionDesc/t:change)", namespaces=ns)
    ids = root.xpath("//@xml:id")
    assert all(i.startswith("escher--K_0678") for i in ids) and len(ids) == len(set(ids))
    # the partner's unadmitted markup is kept, marked, with its attributes
    add = root.xpath("//t:seg[@type='imported'][@subtype='add']", namespaces=ns)
    assert add and add[0].text == "en"
    div = root.xpath("//t:div[@type='imported'][@subtype='div']/@style", namespaces=ns)
    assert 'imported {"type": "dateline"}' in div


def test_ids_unique_across_the_edition(imported):
    edition, _, docs = imported
    seen = {}
    for d in docs.values():
        for i in etree.parse(d.output).getroot().xpath("//@xml:id"):
            assert i not in seen, f"{i} in {d.output} and {seen[i]}"
            seen[i] = d.output


def test_names_linked_new_and_reviewed(imported):
    edition, report, docs = imported
    reg = (edition / "tei" / "register" / "persons.xml").read_text("utf-8")
    # Dantiscus letter: their listPerson with VIAF ids enters the register, marked imported
    assert '<idno type="source">correspsig--example13_correspDesc-pointing-to-participDesc.xml#ID</idno>' in reg
    out = Path(docs["correspsig--example13_correspDesc-pointing-to-participDesc.xml"].output).read_text("utf-8")
    assert 'ref="register/persons.xml#ioannes-dantiscus"' in out
    # FRUS: Eisenhower and Dulles are in our register: certain matches enrich, not duplicate
    assert "dwight-d-eisenhower-2" not in reg
    v18 = docs["frus--frus1958-60v18.xml"]
    assert v18.links["linked"] > 100
    review = v18.as_dict()["review"]
    assert any(r["name"] == "Dulles" and r["status"] == "doubtful" and r["candidates"] for r in review)
