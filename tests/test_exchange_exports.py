"""`tei-encoder export cmif|register|corpus|bag` and the build step that writes exports into the site."""
from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from lxml import etree

from exchange_support import LETTER_NAME, REF, make_edition
from tei_encoder.cli import main

TEI = "{http://www.tei-c.org/ns/1.0}"
CMIF_RNG = REF / "cmif" / "cmi-customization.rng"
CMIF_SCH = REF / "cmif" / "cmif.sch"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return make_edition(tmp_path_factory.mktemp("exports") / "tei")


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


# ------------------------------------------------------------------------------------ CMIF

@pytest.fixture(scope="module")
def cmif(edition, tmp_path_factory):
    out = tmp_path_factory.mktemp("cmif") / "cmif.xml"
    run("export", "cmif", "--tei", edition, "-o", out, "--base-url", "https://edition.example.org/")
    return out


def test_cmif_is_valid_against_schema_and_schematron(cmif):
    from tei_encoder.exchange.cmif import check_schematron
    rng = etree.RelaxNG(etree.parse(str(CMIF_RNG)))
    doc = etree.parse(str(cmif))
    assert rng.validate(doc), str(rng.error_log)
    assert check_schematron(cmif.read_bytes(), CMIF_SCH) == []


def test_cmif_schematron_check_catches_a_broken_file(cmif):
    from tei_encoder.exchange.cmif import check_schematron
    bad = cmif.read_bytes().replace(b'type="received"', b'type="other"', 1).replace(b'<date when=', b'<date w=', 1)
    problems = check_schematron(bad, CMIF_SCH)
    assert any("E0002" in p for p in problems) and any("E0004" in p for p in problems)


def test_cmif_content_with_authority_uris(cmif, edition):
    doc = etree.parse(str(cmif))
    descs = doc.findall(f".//{TEI}correspDesc")
    letter = next(d for d in descs if d.get("key") == LETTER_NAME)
    assert letter.get("ref") == f"https://edition.example.org/doc/{LETTER_NAME}.html"
    sent = letter.find(f"{TEI}correspAction[@type='sent']")
    pers = sent.find(f"{TEI}persName")
    assert pers.text == "Pol Pot" and pers.get("ref", "").startswith(("http://viaf.org/", "http://www.wikidata.org/"))
    assert sent.find(f"{TEI}placeName").get("ref") == "http://www.wikidata.org/entity/Q649"
    assert sent.find(f"{TEI}date").get("when") == "1977-05-01"
    assert letter.find(f"{TEI}correspAction[@type='received']/{TEI}orgName").text == "Central Committee"
    # only documents with a correspDesc are letters
    with_corresp = [p for p in sorted(edition.glob("*.xml")) if b"<correspDesc" in p.read_bytes()]
    assert len(descs) == len(with_corresp)


# ------------------------------------------------------------------------------------ register

@pytest.fixture(scope="module")
def register_out(edition, tmp_path_factory):
    out = tmp_path_factory.mktemp("register")
    r = run("export", "register", "--tei", edition, "-o", out)
    assert "lack an authority id" in r.output
    return out


def test_register_csv_one_row_per_entry_with_authority_columns(register_out, edition):
    from tei_encoder.exchange.edition import Register
    reg = Register.load(edition / "register")
    rows = list(csv.DictReader((register_out / "register.csv").open(encoding="utf-8")))
    assert len(rows) == len(reg.entries) and len({r["id"] for r in rows}) == len(rows)
    for col in ("wikidata", "viaf", "gnd", "geonames", "wikidata_uri"):
        assert col in rows[0]
    moscow = next(r for r in rows if r["id"] == "moscow")
    assert moscow["kind"] == "place" and moscow["wikidata"] == "Q649"
    assert moscow["wikidata_uri"] == "http://www.wikidata.org/entity/Q649" and "Moskva" in moscow["variants"]


def test_register_jsonld_parses_as_schema_org(register_out):
    import rdflib
    from rdflib.namespace import RDF
    g = rdflib.Graph()
    g.parse(data=(register_out / "register.jsonld").read_text(encoding="utf-8"), format="json-ld")
    SDO = rdflib.Namespace("https://schema.org/")
    moscow = rdflib.URIRef("urn:tei-encoder:register:moscow")
    assert (moscow, RDF.type, SDO.Place) in g
    assert (moscow, SDO.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q649")) in g
    assert set(g.subjects(RDF.type, SDO.Person)) and set(g.subjects(RDF.type, SDO.Organization))


def test_register_report_lists_entries_without_authority(register_out, edition):
    from tei_encoder.exchange.edition import Register
    reg = Register.load(edition / "register")
    rows = list(csv.DictReader((register_out / "missing-authority-ids.csv").open(encoding="utf-8")))
    assert {r["id"] for r in rows} == {e.id for e in reg.entries.values() if not e.authority}
    assert "moscow" not in {r["id"] for r in rows}
    for name in ("persons.xml", "places.xml", "orgs.xml"):
        etree.parse(str(register_out / name))


def test_register_single_format(edition, tmp_path):
    run("export", "register", "--tei", edition, "--format", "csv", "-o", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["missing-authority-ids.csv", "register.csv"]


# ------------------------------------------------------------------------------------ corpus

def test_corpus_is_valid_tei_all_and_carries_the_register(edition, tmp_path, tei_all_rng):
    out = tmp_path / "corpus.xml"
    run("export", "corpus", "--tei", edition, "-o", out)
    doc = etree.parse(str(out))
    ok = tei_all_rng.validate(doc)
    assert ok, str(tei_all_rng.error_log)[:2000]
    root = doc.getroot()
    assert root.tag == TEI + "teiCorpus"
    assert len(root.findall(f"{TEI}TEI")) == len(list(edition.glob("*.xml")))
    assert root.find(f"{TEI}teiHeader//{TEI}listPerson/{TEI}person") is not None
    refs = [el.get("ref") for el in root.iter(TEI + "persName", TEI + "placeName", TEI + "orgName") if el.get("ref")]
    assert refs and not [r for r in refs if "register/" in r]
    ids = {el.get("{http://www.w3.org/XML/1998/namespace}id") for el in root.iter()} - {None}
    assert all(r[1:] in ids for r in refs if r.startswith("#")), "every rewritten ref points into the corpus"


# ------------------------------------------------------------------------------------ bag

def test_bag_is_valid_and_damage_is_caught_by_name(edition, tmp_path):
    bag_dir = tmp_path / "bag"
    run("export", "bag", "--tei", edition, "-o", bag_dir)
    info = (bag_dir / "bag-info.txt").read_text()
    for field in ("Source-Organization", "Bagging-Date", "Edition-Version"):
        assert field in info
    assert (bag_dir / "manifest-sha512.txt").is_file() and not (bag_dir / "manifest-sha256.txt").exists()
    assert (bag_dir / "data" / "tei" / "register" / "persons.xml").is_file()
    run("export", "bag", "--verify", "-o", bag_dir)

    victim = bag_dir / "data" / "tei" / "002_adaeb2830212c886.xml"
    victim.write_bytes(victim.read_bytes().replace(b"Moscow", b"Moskau", 1))
    from tei_encoder.exchange.bag import verify_bag
    problems = verify_bag(bag_dir)
    assert problems and any("002_adaeb2830212c886.xml" in p for p in problems)
    r = CliRunner().invoke(main, ["export", "bag", "--verify", "-o", str(bag_dir)])
    assert r.exit_code == 1 and "002_adaeb2830212c886.xml" in r.output


def test_bag_refuses_a_non_empty_folder(edition, tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    r = CliRunner().invoke(main, ["export", "bag", "--tei", str(edition), "-o", str(tmp_path)])
    assert r.exit_code != 0 and "not empty" in r.output


# ------------------------------------------------------------------------------------ build step

def test_build_step_writes_static_exports(edition, tmp_path, monkeypatch):
    monkeypatch.delenv("TEI_ENCODER_BASE_URL", raising=False)
    from tei_encoder.cli_encode import BUILD_STEPS
    from tei_encoder.cli_exchange import _exports
    assert (40, _exports) in BUILD_STEPS
    import shutil
    tei = tmp_path / "tei"
    shutil.copytree(edition, tei)
    assert _exports(tei_dir=tei, verbose=False) == 0
    site = tmp_path / "site"
    assert (site / "cmif.xml").is_file() and (site / "register" / "register.csv").is_file()
    cmif = etree.parse(str(site / "cmif.xml"))
    assert etree.RelaxNG(etree.parse(str(CMIF_RNG))).validate(cmif)
    assert cmif.find(f".//{TEI}correspDesc").get("ref").startswith("doc/")
    assert (site / "register" / "register.jsonld").is_file()
    entry = json.loads((site / "api" / "dts" / "index.json").read_text())
    assert entry["@type"] == "EntryPoint"
    root = json.loads((site / "api" / "dts" / "collection" / "edition.json").read_text())
    assert root["totalChildren"] == 2
    nav = json.loads((site / "api" / "dts" / "navigation" / "doc-002-adaeb2830212c886.json").read_text())
    assert nav["member"][0]["identifier"] == "document"
    assert (site / "api" / "dts" / "document" / "doc-002-adaeb2830212c886.xml").read_bytes() == \
        (tei / "002_adaeb2830212c886.xml").read_bytes()


# ------------------------------------------------------------------------------------ safe reading

def test_edition_is_read_without_expanding_entities(tmp_path):
    from tei_encoder.exchange.edition import Edition, EditionError
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    (tmp_path / "tei").mkdir()
    (tmp_path / "tei" / "evil.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>a &x; b</title>'
        '</titleStmt></fileDesc></teiHeader><text><body><p/></body></text></TEI>')
    ed = Edition.load(tmp_path / "tei")
    assert "TOP-SECRET" not in ed.documents[0].title and "TOP-SECRET" not in ed.documents[0].header_xml
    (tmp_path / "tei" / "broken.xml").write_text("<TEI>")
    with pytest.raises(EditionError, match="broken.xml"):
        Edition.load(tmp_path / "tei")
