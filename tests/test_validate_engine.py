"""Validator: hostile input, formats, exit codes, Schematron rules (positive and negative)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_encoder.cli import main
from tei_encoder.validation import TeiInputError, parse_untrusted
from tei_encoder.validation.engine import validate_file

ROOT = Path(__file__).resolve().parents[1]
TEI_ALL = ROOT.parent / "shared/reference/tei_all.rng"
NS = 'xmlns="http://www.tei-c.org/ns/1.0"'


def doc(body: str = "<p>Text.</p>", header_extra: str = "", when: str = "1963-08-22", dl_when: str = "1963-08-22",
        xid: str = "doc-x") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI {NS} xml:id="{xid}">
  <teiHeader>
    <fileDesc>
      <titleStmt><title type="main">A memo</title></titleStmt>
      <publicationStmt><authority>tei-encoder edition</authority><idno type="filename">x</idno></publicationStmt>
      <sourceDesc><bibl type="citation">AVPRF</bibl></sourceDesc>
    </fileDesc>
    <profileDesc><creation><date when="{when}">22 August 1963</date></creation>{header_extra}</profileDesc>
  </teiHeader>
  <text><body><div type="document"><opener><dateline><placeName ref="#pyongyang">Pyongyang</placeName>, <date when="{dl_when}">22 August 1963</date></dateline></opener>{body}</div></body></text>
</TEI>
"""


REGISTER = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI {NS} xml:id="register-persons">
  <teiHeader><fileDesc><titleStmt><title>Persons</title></titleStmt><publicationStmt><p>register</p></publicationStmt>
  <sourceDesc><p>made by hand</p></sourceDesc></fileDesc></teiHeader>
  <text><body><listPerson>
    <person xml:id="kim-il-sung"><persName>Kim Il Sung</persName><idno type="wikidata">Q39464</idno></person>
    <person xml:id="moskovsky"><persName>Vasily Moskovsky</persName><note type="status">provisional</note></person>
  </listPerson></body></text>
</TEI>
"""
PLACES = REGISTER.replace("register-persons", "register-places").replace(
    "<listPerson>", "<listPlace>").replace("</listPerson>", "</listPlace>").replace(
    '<person xml:id="kim-il-sung"><persName>Kim Il Sung</persName><idno type="wikidata">Q39464</idno></person>',
    '<place xml:id="pyongyang"><placeName>Pyongyang</placeName><idno type="geonames">1871859</idno></place>').replace(
    '<person xml:id="moskovsky"><persName>Vasily Moskovsky</persName><note type="status">provisional</note></person>', "")


@pytest.fixture
def edition(tmp_path):
    (tmp_path / "register").mkdir()
    (tmp_path / "register/persons.xml").write_text(REGISTER)
    (tmp_path / "register/places.xml").write_text(PLACES)
    return tmp_path


def run(*args):
    r = CliRunner().invoke(main, ["validate", *map(str, args)], env={"CI": "true"})
    return r.exit_code, r.output


def problems(path, **kw):
    return validate_file(Path(path), **kw).problems


# ------------------------------------------------------------------ the edition

def test_edition_tei_is_valid():
    files = sorted((ROOT / "tei").glob("*.xml"))
    if not files:
        pytest.skip("no tei/*.xml yet")
    code, out = run(ROOT / "tei", ROOT / "tei/register")
    assert code == 0, out


def test_good_document_valid(edition):
    f = edition / "a.xml"
    f.write_text(doc('<p>Comrade <persName ref="#kim-il-sung">Kim Il Sung</persName> said.</p>'))
    code, out = run(f)
    assert code == 0, out


@pytest.mark.skipif(not TEI_ALL.exists(), reason="tei_all.rng not available")
def test_test_documents_conform_to_tei_all(edition):
    """Conformance: documents valid against edition.xsd are valid against tei_all too."""
    f = edition / "a.xml"
    f.write_text(doc('<p>Comrade <persName ref="#kim-il-sung">Kim Il Sung</persName> and <supplied reason="gloss">'
                     '<roleName>Ambassador</roleName></supplied> <gap reason="omitted"/> '
                     '<choice><orig>Ri Song-un</orig><reg>Ri Song Un</reg></choice> '
                     '<measure quantity="300000000" unit="rubles">300 million rubles</measure>.</p>'
                     '<closer><signed><persName ref="#moskovsky">V. Moskovsky</persName></signed></closer>'))
    assert run(f)[0] == 0
    code, out = run("--schema", TEI_ALL, f, edition / "register/persons.xml")
    assert code == 0, out


# ------------------------------------------------------------------ Schematron rules, + and -

def test_ref_resolves(edition):
    f = edition / "a.xml"
    f.write_text(doc('<p><persName ref="register/persons.xml#kim-il-sung">Kim</persName></p>'))
    assert not [p for p in problems(f) if p.rule == "ref-resolves"]
    f.write_text(doc('<p><persName ref="#kim-il-sun">Kim</persName></p>'))
    ps = [p for p in problems(f) if p.rule == "ref-resolves"]
    assert ps and ps[0].severity == "error"
    assert 'did you mean "#kim-il-sung"?' in ps[0].message
    assert ps[0].line == 11 and "persName" in ps[0].path and ps[0].value == "#kim-il-sun"
    f.write_text(doc('<p><persName ref="register/places.xml#kim-il-sung">Kim</persName></p>'))
    assert [p for p in problems(f) if p.rule == "ref-resolves"]


def test_entry_authority(edition):
    f = edition / "register/persons.xml"
    assert not [p for p in problems(f) if p.rule == "entry-authority"]
    warn = [p for p in problems(f) if p.rule == "entry-provisional"]
    assert warn and warn[0].severity == "warning"
    assert run(f)[0] == 0 and run("--strict", f)[0] == 1
    f.write_text(REGISTER.replace('<note type="status">provisional</note>', "<note>?</note>"))
    assert [p for p in problems(f) if p.rule == "entry-authority" and p.severity == "error"]


def test_id_unique(edition):
    f = edition / "a.xml"
    f.write_text(doc('<p xml:id="p1">a</p><p xml:id="p2">b</p>'))
    assert not [p for p in problems(f) if p.rule == "id-unique"]
    f.write_text(doc('<p xml:id="p1">a</p><p xml:id="p1">b</p>'))
    assert [p for p in problems(f) if p.rule == "id-unique"]


def test_date_agrees(edition):
    f = edition / "a.xml"
    f.write_text(doc(when="1963-08", dl_when="1963-08-22"))
    assert not [p for p in problems(f) if p.rule == "date-agrees"]
    f.write_text(doc(when="1963-08-21", dl_when="1963-08-22"))
    found = [p for p in problems(f) if p.rule == "date-agrees"]
    assert found and found[0].severity == "warning"      # shown, but a real document may differ


def test_name_not_empty(edition):
    f = edition / "a.xml"
    f.write_text(doc('<p><persName ref="#kim-il-sung">Kim</persName></p>'))
    assert not [p for p in problems(f) if p.rule == "name-not-empty"]
    f.write_text(doc('<p><persName ref="#kim-il-sung"> </persName></p>'))
    assert [p for p in problems(f) if p.rule == "name-not-empty"]


def test_name_for_review_is_info(edition):
    f = edition / "a.xml"
    f.write_text(doc('<p><persName cert="low">Pak</persName></p>'))
    ps = [p for p in problems(f) if p.rule == "name-for-review"]
    assert ps and ps[0].severity == "info"
    assert run(f)[0] == 0


# ------------------------------------------------------------------ XSD tightening

def test_xsd_closed_lists_and_iso_dates(edition):
    f = edition / "a.xml"
    f.write_text(doc('<p><gap reason="lost"/></p>'))
    code, out = run(f)
    assert code == 1 and "gap" in out and "lost" in out
    f.write_text(doc('<p><date when="22/08/1963">x</date></p>'))
    code, out = run(f)
    assert code == 1 and "22/08/1963" in out


def test_xsd_error_messages_come_from_xmlschema(edition):
    """libxml2 only decides validity; the message a user reads names the element, value and line."""
    f = edition / "a.xml"
    f.write_text(doc('<p><measure quantity="many" unit="rubles">x</measure></p>'))
    ps = [p for p in problems(f) if p.rule == "xsd"]
    assert len(ps) == 1 and ps[0].line == 11
    assert "measure" in ps[0].path and "quantity='many'" in ps[0].message and "xs:decimal" in ps[0].message


def _mutants(trees, n, seed=7):
    """Deterministic damage of real documents: drop, retag, move elements; bad and missing attributes."""
    import copy
    import random
    from lxml import etree
    rnd = random.Random(seed)
    values = ["", "x y", "1963-02-30", "1963-13", "#a", "high", "19630", "2", "1.5", "--", "omitted", "pers"]
    names = ["when", "type", "ref", "cert", "reason", "n", "from", "notBefore", "unit", "quantity",
             "{http://www.w3.org/XML/1998/namespace}id", "{http://www.w3.org/XML/1998/namespace}lang"]
    for _ in range(n):
        tree = copy.deepcopy(rnd.choice(trees))
        els = [e for e in tree.iter() if isinstance(e.tag, str)]
        el, op = rnd.choice(els), rnd.randrange(5)
        if op == 0 and el.getparent() is not None:
            el.getparent().remove(el)
        elif op == 1:
            el.set(rnd.choice(names), rnd.choice(values))
        elif op == 2:
            el.tag = rnd.choice(els).tag
        elif op == 3 and el.attrib:
            del el.attrib[rnd.choice(list(el.attrib))]
        elif op == 4:
            other = rnd.choice(els)
            if other is not el and el not in other.iterancestors() and sum(1 for _ in other.iter()) < 40:
                el.append(copy.deepcopy(other))
        # through bytes, as files reach the validator (an in-memory empty text node is not a file's);
        # a bad xml:id is already a parse error
        try:
            yield etree.fromstring(etree.tostring(tree)).getroottree()
        except etree.XMLSyntaxError:
            continue


def test_libxml2_and_xmlschema_agree_on_the_edition_schema():
    """The fast path is only sound while both engines give the same verdict on edition.xsd."""
    import xmlschema
    from lxml import etree
    xsd = ROOT / "schemas/edition.xsd"
    fast, full = etree.XMLSchema(etree.parse(str(xsd))), xmlschema.XMLSchema(str(xsd))
    trees = [etree.parse(str(f)) for f in sorted((ROOT / "tei").glob("*.xml"))]
    trees += [etree.parse(str(f)) for f in sorted((ROOT / "tei/register").glob("*.xml"))]
    invalid = 0
    for tree in [*trees, *_mutants(trees[:5], 600)]:
        verdict = fast.validate(tree)
        assert verdict == full.is_valid(tree), (etree.tostring(tree)[:3000], fast.error_log)
        invalid += not verdict
    assert invalid > 200  # the mutants really test rejection


def test_ref_counts_entries_in_every_register_file(edition):
    """An id defined in two register files is ambiguous for '#id' and fine with the file named."""
    (edition / "register/orgs.xml").write_text(REGISTER.replace("register-persons", "register-orgs")
                                               .replace('xml:id="moskovsky"', 'xml:id="pyongyang"'))
    f = edition / "a.xml"
    f.write_text(doc('<p><persName ref="register/orgs.xml#pyongyang">x</persName></p>').replace(
        '<placeName ref="#pyongyang">', '<placeName ref="register/places.xml#pyongyang">'))
    assert not [p for p in problems(f) if p.rule == "ref-resolves"]
    f.write_text(doc())
    assert [p for p in problems(f) if p.rule == "ref-resolves" and "#pyongyang" in p.message]


# ------------------------------------------------------------------ hostile input

HOSTILE = {
    "notwf.xml": (b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader></TEI>", "not well-formed"),
    "empty.xml": (b"", "empty"),
    "binary.xml": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    "xxe.xml": (b'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                b"<TEI xmlns='http://www.tei-c.org/ns/1.0'>&x;</TEI>", "external entity"),
    "laughs.xml": (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                   + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                              for i in range(1, 10))
                   + b"]>\n<lolz>&lol9;</lolz>", "entity"),
    "latin1.xml": ("<TEI xmlns='http://www.tei-c.org/ns/1.0'>Bodnăraş é</TEI>".encode("latin-1", "replace"), "UTF-8"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_clear_error_batch_goes_on(tmp_path, name, edition):
    data, words = HOSTILE[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    good = edition / "good.xml"
    good.write_text(doc())
    code, out = run(bad, good)
    assert code == 1
    assert words in out
    assert f"{name}:" in out and "1 valid" in out  # the good file was still checked
    with pytest.raises(TeiInputError):
        parse_untrusted(bad)


def test_xxe_never_reads_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    f = tmp_path / "x.xml"
    f.write_text(f'<!DOCTYPE r [<!ENTITY s SYSTEM "{secret.as_uri()}">]><r>&s;</r>')
    code, out = run(f)
    assert code == 1 and "TOP-SECRET" not in out


def test_declared_latin1_is_fine(tmp_path):
    f = tmp_path / "l.xml"
    f.write_bytes('<?xml version="1.0" encoding="ISO-8859-1"?><r>é</r>'.encode("latin-1"))
    assert parse_untrusted(f).getroot().text == "é"


def test_wrong_root_and_namespace(tmp_path):
    a = tmp_path / "ns.xml"
    a.write_text("<TEI><teiHeader/></TEI>")
    b = tmp_path / "root.xml"
    b.write_text(f"<html {NS}/>")
    code, out = run(a, b)
    assert code == 1 and "no namespace" in out and "expected <TEI>" in out


def test_very_large_file_refused(tmp_path):
    f = tmp_path / "big.xml"
    f.write_bytes(b"<r>" + b"x" * 200_000 + b"</r>")
    code, out = run("--max-size", "100000", f)
    assert code == 1 and "over the limit" in out


def test_deep_nesting_refused(tmp_path):
    f = tmp_path / "deep.xml"
    f.write_bytes(b"<a>" * 5000 + b"</a>" * 5000)
    with pytest.raises(TeiInputError):
        parse_untrusted(f)


# ------------------------------------------------------------------ xml-model, remote schemas, formats, exit codes

def test_remote_xml_model_not_checked(tmp_path):
    f = tmp_path / "r.xml"
    f.write_text(doc().replace("?>", '?><?xml-model href="https://example.org/x.rng" '
                                      'schematypens="http://relaxng.org/ns/structure/1.0"?>', 1))
    ps = problems(f)
    assert any(p.rule == "not-checked" and "remote" in p.message for p in ps)


def test_local_xml_model_honoured(tmp_path):
    (tmp_path / "only-foo.rng").write_text(
        '<element name="foo" xmlns="http://relaxng.org/ns/structure/1.0"><empty/></element>')
    f = tmp_path / "m.xml"
    f.write_text('<?xml-model href="only-foo.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>' + doc()
                 .replace('<?xml version="1.0" encoding="UTF-8"?>', ""))
    ps = problems(f)
    assert any(p.source == "only-foo.rng" and p.severity == "error" for p in ps)


def test_formats(edition, tmp_path):
    good = edition / "a.xml"
    good.write_text(doc())
    bad = edition / "b.xml"
    bad.write_text(doc('<p><persName ref="#kim-il-sun">Kim</persName></p>'))
    code, out = run("--format", "json", good, bad)
    data = json.loads(out)
    assert code == 1 and data["summary"]["valid"] == 1 and data["summary"]["invalid"] == 1
    fb = [f for f in data["files"] if f["file"].endswith("b.xml")][0]
    assert fb["valid"] is False and {"line", "column", "message"} <= set(fb["errors"][0])
    code, out = run("--format", "junit", good, bad)
    from lxml import etree
    root = etree.fromstring(out.encode())
    assert root.tag == "testsuites" and root.get("failures") == "1" and len(root.findall(".//testcase")) == 2
    code, out = run("--format", "github", bad)
    assert out.startswith("::error file=") and ",line=11" in out


def test_exit_codes(tmp_path):
    assert run(tmp_path / "missing.xml")[0] == 2
    assert run("--format", "yaml", tmp_path)[0] == 2
    f = tmp_path / "x.xml"
    f.write_text("<r/>")
    assert run("--schema", tmp_path / "nope.rng", f)[0] == 2


def test_text_message_shape(edition):
    f = edition / "b.xml"
    f.write_text(doc('<p><persName ref="#kim-il-sun">Kim</persName></p>'))
    code, out = run(f)
    line = [l for l in out.splitlines() if "ref-resolves" in l][0]
    assert line.startswith(f"{f}:11:0: error: /TEI/text/body/div/p/persName:") or ":11:0: error: " in line
    assert out.strip().splitlines()[-1].startswith("1 file: 0 valid, 1 invalid")
