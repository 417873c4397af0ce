"""Matching partner entities to the register; `register merge`; refusing bad input; the import CLI."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_encoder.cli import main
from tei_encoder.importer.entities import (PartnerEntity, RegisterIndex, match_entity, normalise_authority)
from tei_encoder.register import Register

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT.parent / "shared" / "reference" / "external-tei"


@pytest.mark.parametrize("value,hint,expected", [
    ("http://www.wikidata.org/entity/Q123", None, ("wikidata", "Q123")),
    ("https://www.wikidata.org/wiki/Q35314", "URI", ("wikidata", "Q35314")),
    ("Q42", "wikidata", ("wikidata", "Q42")),
    ("https://d-nb.info/gnd/118540238", "URL", ("gnd", "118540238")),
    ("https://d-nb.info/gnd/4018118-2", "d-nb", ("gnd", "4018118-2")),
    ("118540238", "GND", ("gnd", "118540238")),
    ("https://viaf.org/viaf/88717722/", "VIAF", ("viaf", "88717722")),
    ("https://sws.geonames.org/2925533/", "URL", ("geonames", "2925533")),
    ("http://www.geonames.org/2761369/vienna.html", None, ("geonames", "2761369")),
    ("http://id.loc.gov/authorities/names/n83073803", "LC", ("lcnaf", "n83073803")),
    ("https://pmb.acdh.oeaw.ac.at/entity/146/", "pmb", None),
    ("not-an-id", "wikidata", None),
])
def test_authority_ids_in_any_form(value, hint, expected):
    assert normalise_authority(value, hint) == expected


@pytest.fixture(scope="module")
def index():
    return RegisterIndex(Register.load(ROOT / "tei" / "register"))


def ent(names, kind="person", **auth):
    e = PartnerEntity("x", kind, list(names), origin="partner.xml")
    for k, v in auth.items():
        e.authority[k].add(v)
    return e


def test_authority_id_is_certain(index):
    qid = next(v for e in index.register.entries if e.id == "nikita-khrushchev" for t, v in e.authority.items() if t == "wikidata")
    m = match_entity(ent(["N. S. Chruschtschow"], wikidata=qid), index)
    assert (m.status, m.target, m.confidence) == ("certain", "nikita-khrushchev", 1.0)


def test_different_id_of_same_authority_is_never_merged(index):
    m = match_entity(ent(["Nikita Khrushchev"], wikidata="Q1"), index)
    assert m.status == "conflict" and m.target is None and "nikita-khrushchev" in m.conflicts[0]


def test_same_id_without_a_common_name_is_a_conflict(index):
    qid = index.auth_of["nikita-khrushchev"]["wikidata"]
    m = match_entity(ent(["Bona Sforza"], wikidata=next(iter(qid))), index)
    assert m.status == "conflict" and m.target is None


def test_full_name_and_turned_name_are_certain(index):
    assert match_entity(ent(["Nikita Khrushchev"]), index).target == "nikita-khrushchev"
    m = match_entity(ent(["Eisenhower, Dwight D."]), index)
    assert m.status == "certain" and m.target == "dwight-d-eisenhower"


def test_bare_surname_is_doubtful_with_candidates(index):
    m = match_entity(ent(["Kim"]), index)
    assert m.status == "doubtful" and m.target is None and len(m.candidates) >= 2


def test_unknown_is_new(index):
    assert match_entity(ent(["Zacharias Nobodyknows"]), index).status == "new"


def test_kind_must_agree(index):
    assert match_entity(ent(["Nikita Khrushchev"], kind="place"), index).status == "new"


PARTNER = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>P</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader><text><body><listPerson>
<person xml:id="p1"><persName>Nikita S. Khrushchev</persName><idno type="URI">http://www.wikidata.org/entity/QKH</idno>
  <idno type="gnd">https://d-nb.info/gnd/118999990</idno></person>
<person xml:id="p2"><persName>Zacharias Nobodyknows</persName><idno type="VIAF">https://viaf.org/viaf/999999999</idno></person>
<person xml:id="p3"><persName>Kim</persName></person>
<person xml:id="p4"><persName>Nikita Khrushchev</persName><idno type="wikidata">Q1</idno></person>
<person xml:id="p5"><persName>Kim Il Sung</persName><idno type="wikidata">QKIM</idno></person>
</listPerson></body></text></TEI>"""


@pytest.fixture()
def register_copy(tmp_path):
    reg = tmp_path / "register"
    shutil.copytree(ROOT / "tei" / "register", reg)
    return reg


def test_register_merge(register_copy, tmp_path):
    reg = Register.load(register_copy)
    kh = next(iter(RegisterIndex(reg).auth_of["nikita-khrushchev"]["wikidata"]))
    partner = tmp_path / "persons.xml"
    # p5 carries Khrushchev's Wikidata id under Kim Il Sung's name: a wrong id, never merged
    partner.write_text(PARTNER.replace("QKH", kh).replace("QKIM", kh), "utf-8")
    r = CliRunner().invoke(main, ["register", "merge", str(partner), "--register", str(register_copy), "--format", "json"])
    assert r.exit_code == 1, r.output          # something to review
    res = json.loads(r.output)
    by = {x["source_id"]: x for k in ("certain", "new", "doubtful", "conflict") for x in res[k]}
    assert by["p1"]["status"] == "certain" and by["p1"]["target"] == "nikita-khrushchev"
    assert by["p2"]["status"] == "new" and by["p2"]["target"] == "zacharias-nobodyknows"
    assert by["p3"]["status"] == "doubtful"
    assert by["p4"]["status"] == "conflict"
    assert by["p5"]["status"] == "conflict" or by["p5"]["target"] != "nikita-khrushchev"
    after = Register.load(register_copy)
    assert after.by_id["zacharias-nobodyknows"].authority["viaf"] == "999999999"
    assert after.by_id["zacharias-nobodyknows"].authority["source"] == "persons.xml#p2"
    assert "Nikita S. Khrushchev" in [n.text for n in after.by_id["nikita-khrushchev"].names]
    assert after.by_id["nikita-khrushchev"].authority.get("gnd") in (None, "118999990")
    assert "kim" not in after.by_id
    # the result validates against the edition's schema
    from tei_encoder.validation.engine import validate_paths
    for res_ in validate_paths([register_copy]):
        assert not [p for p in res_.problems if p.severity == "error"], res_.problems[:3]


def test_merge_reports_conflicts_inside_the_register(register_copy, tmp_path):
    persons = register_copy / "persons.xml"
    text = persons.read_text("utf-8")
    # give Walter Ulbricht Khrushchev's Wikidata id: one authority id on two entries
    reg = Register.load(register_copy)
    kh = next(iter(RegisterIndex(reg).auth_of["nikita-khrushchev"]["wikidata"]))
    text = text.replace('<person xml:id="walter-ulbricht" sex="1">',
                        f'<person xml:id="walter-ulbricht" sex="1"><idno type="wikidata">{kh}</idno><idno type="wikidata">Q2</idno>', 1)
    persons.write_text(text, "utf-8")
    partner = tmp_path / "p.xml"
    partner.write_text(PARTNER, "utf-8")
    r = CliRunner().invoke(main, ["register", "merge", str(partner), "--register", str(register_copy), "--dry-run"])
    assert "is on 2 entries of the register" in r.output
    assert "walter-ulbricht has 2 different wikidata ids" in r.output


# ---------------------------------------------------------------- the import command

def test_import_refuses_bad_input_and_goes_on(tmp_path):
    (tmp_path / "tei").mkdir()
    shutil.copytree(ROOT / "tei" / "register", tmp_path / "tei" / "register")
    (tmp_path / "notei.xml").write_text("<root/>")
    (tmp_path / "broken.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>')
    (tmp_path / "bomb.xml").write_text('<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY a "aaaa">]>\n'
                                       '<TEI xmlns="http://www.tei-c.org/ns/1.0">&a;</TEI>')
    good = EXT / "correspsig--example01_basic.xml"
    invalid = EXT / "hsg--frus-history--1988-11-10-spiers-to-redman.xml"
    if not good.exists():
        pytest.skip("external-tei not found")
    args = ["import", str(tmp_path / "notei.xml"), str(tmp_path / "broken.xml"), str(tmp_path / "bomb.xml"),
            str(invalid), str(good), "-o", str(tmp_path / "tei"), "--report", str(tmp_path / "r.json")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1
    rep = json.loads((tmp_path / "r.json").read_text("utf-8"))
    status = {Path(d["source"]).name: d for d in rep["documents"]}
    assert status["notei.xml"]["status"] == "refused" and "root element is <root>" in status["notei.xml"]["message"]
    assert status["broken.xml"]["status"] == "refused" and "not well-formed" in status["broken.xml"]["message"]
    assert status["bomb.xml"]["status"] == "refused" and "entity" in status["bomb.xml"]["message"]
    assert status[invalid.name]["status"] == "skipped" and "--accept-invalid" in status[invalid.name]["message"]
    assert status[good.name]["status"] == "imported"
    assert status[good.name]["output_validation"]["edition"] == "valid"
    assert status[good.name]["output_validation"].get("tei_all", "valid") == "valid"
    assert (tmp_path / "tei" / "correspsig--example01_basic.xml").exists()
    # with --accept-invalid it is imported, and the report says what was wrong with the input
    r = CliRunner().invoke(main, ["import", str(invalid), "-o", str(tmp_path / "tei"), "--accept-invalid",
                                  "--report", str(tmp_path / "r2.json")])
    assert r.exit_code == 0, r.output
    d = json.loads((tmp_path / "r2.json").read_text("utf-8"))["documents"][0]
    assert d["input_validation"]["errors"] == 1 and d["output_validation"]["edition"] == "valid"


def test_import_register_from(tmp_path):
    """A partner's persons.xml: mentions pointing into it (ref="persons.xml#p2") are matched through it."""
    (tmp_path / "tei").mkdir()
    shutil.copytree(ROOT / "tei" / "register", tmp_path / "tei" / "register")
    (tmp_path / "persons.xml").write_text(PARTNER.replace("QKH", "Q99999999").replace("QKIM", "Q99999998"), "utf-8")
    doc = tmp_path / "letter.xml"
    doc.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A letter</title>
</titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>y</p></sourceDesc></fileDesc></teiHeader>
<text><body><p><persName ref="persons.xml#p2">Nobodyknows</persName> met <persName ref="persons.xml#p3">Kim</persName>
and <persName>Nikita Khrushchev</persName>.</p></body></text></TEI>""", "utf-8")
    r = CliRunner().invoke(main, ["import", str(doc), "-o", str(tmp_path / "tei"), "--register-from",
                                  str(tmp_path / "persons.xml"), "--report", str(tmp_path / "r.json")])
    assert r.exit_code == 0, r.output
    out = (tmp_path / "tei" / "letter.xml").read_text("utf-8")
    assert 'ref="register/persons.xml#zacharias-nobodyknows"' in out
    assert 'ref="register/persons.xml#nikita-khrushchev"' in out
    assert '<persName cert="low" style="imported {&quot;ref&quot;: &quot;persons.xml#p3&quot;}">Kim</persName>' in out
    rep = json.loads((tmp_path / "r.json").read_text("utf-8"))["documents"][0]
    assert any(x["name"] == "Kim" and x["status"] == "doubtful" for x in rep["review"])
