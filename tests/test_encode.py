"""Encoding transcripts to TEI: header, body, nothing lost, validity, safe runs."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import REGISTER, SEEDS
from tei_encoder.cli import main
from tei_encoder.encode import encode_paths

NS = {"t": "http://www.tei-c.org/ns/1.0"}


def doc(out: Path, prefix: str):
    return etree.parse(str(next(out.glob(f"{prefix}_*.xml"))))


def x(tree, path):
    return tree.xpath(path, namespaces=NS)


# -- header ------------------------------------------------------------------------------------

def test_header_carries_title_date_citation_signature_translator(encoded_seeds):
    out, _ = encoded_seeds
    t = doc(out, "000")
    assert x(t, "string(//t:titleStmt/t:title[@type='main'])").startswith("Memorandum of Conversation")
    assert x(t, "string(//t:profileDesc/t:creation/t:date/@when)") == "1963-08-22"
    assert [(i.get("type"), i.text) for i in x(t, "//t:msIdentifier/t:idno")] == \
        [("fond", "0102"), ("opis", "19"), ("papka", "97"), ("delo", "5")]
    assert x(t, "string(//t:msIdentifier/t:repository)") == "AVPRF"
    locus = x(t, "//t:msItem/t:locus")[0]
    assert (locus.get("from"), locus.get("to")) == ("81", "83")
    assert x(t, "string(//t:sourceDesc/t:bibl[@type='citation'])").startswith("AVPRF, fond 0102")
    resp = {x(r, "string(t:resp)"): x(r, "string(t:persName)") for r in x(t, "//t:titleStmt/t:respStmt")}
    assert resp["Translated by"] == "Sergey Radchenko" and resp["Obtained by"] == "Sergey Radchenko"
    assert x(t, "normalize-space(//t:profileDesc/t:abstract)").startswith("The Romanian Ambassador")
    change = x(t, "string(//t:revisionDesc/t:change)")
    assert "tei-encoder" in change and re.search(r"SHA-256 [0-9a-f]{64}", change)


def test_header_languages_funder_and_correspondence(encoded_seeds):
    out, _ = encoded_seeds
    t = doc(out, "004")
    assert x(t, "string(//t:titleStmt/t:funder)") == "ROK Ministry of Unification"
    assert x(t, "string(//t:msContents/t:textLang/@mainLang)") == "ro"
    assert sorted(x(t, "//t:langUsage/t:language/@ident")) == ["en", "ro"]
    sent = x(t, "//t:correspAction[@type='sent']")[0]
    received = x(t, "//t:correspAction[@type='received']")[0]
    assert "Romanian Embassy in Moscow" in "".join(sent.itertext())
    assert "Romanian Ministry of Foreign Affairs" in "".join(received.itertext())
    assert x(sent, "string(t:date/@when)") == "1978-05-07"


def test_root_id_and_schema_processing_instructions(encoded_seeds):
    out, _ = encoded_seeds
    for f in out.glob("*.xml"):
        tree = etree.parse(str(f))
        root = tree.getroot()
        assert re.fullmatch(r"[A-Za-z_][\w.-]*", root.get("{http://www.w3.org/XML/1998/namespace}id"))
        pis = [p for p in root.itersiblings(preceding=True) if isinstance(p, etree._ProcessingInstruction)]
        hrefs = sorted(p.get("href") for p in pis if p.target == "xml-model")
        assert [h.rsplit("/", 1)[-1] for h in hrefs] == ["edition.sch", "edition.xsd"]


# -- body -----------------------------------------------------------------------------------------

def test_body_structure_opener_closer_postscript_and_damaged_translation(encoded_seeds):
    out, _ = encoded_seeds
    t = doc(out, "003")
    div = x(t, "//t:body/t:div[@type='document']")[0]
    assert [c.tag.split("}")[1] for c in div][:3] == ["opener", "head", "p"]
    assert x(div, "string(t:opener/t:dateline/t:placeName)") == "Pyongyang"
    assert x(div, "string(t:opener/t:dateline/t:date/@when)") == "1960-08-30"
    assert x(div, "string(t:closer/t:signed[1])") == "K. Schneidewind"
    assert len(x(div, "t:postscript/t:p")) == 3
    tr = x(t, "//t:body/t:div[@type='translation']")[0]
    assert tr.get("{http://www.w3.org/XML/1998/namespace}lang") == "ko"
    assert x(tr, "t:note[@type='damage']") and x(tr, ".//t:damage")
    assert not x(tr, ".//t:persName | .//t:placeName | .//t:orgName | .//t:date")


def test_memo_header_becomes_opener_fields(encoded_seeds):
    out, _ = encoded_seeds
    t = doc(out, "004")
    fields = x(t, "//t:div[@type='document']/t:opener/t:seg[@type='memo']/@subtype")
    assert fields == ["to", "from", "subject", "date"]
    assert x(t, "string(//t:seg[@subtype='date']/t:date/@when)") == "1978-05-07"


def test_editorial_brackets_are_encoded(encoded_seeds):
    out, _ = encoded_seeds
    t0, t2 = doc(out, "000"), doc(out, "002")
    assert x(t0, "//t:persName[t:supplied[@reason='completion'] = 'Anastas']")          # [Anastas] Mikoyan
    assert x(t0, "//t:supplied[@reason='implied'][. = 'I']")                           # [I]
    assert x(t0, "//t:div//t:gap[@reason='omitted']")                                 # […]
    assert x(t0, "//t:titleStmt/t:title//t:ref[@type='noteAnchor'][@n='1']")           # [1]
    choice = x(t2, "//t:persName/t:choice")[0]
    assert (x(choice, "string(t:orig)"), x(choice, "string(t:reg)")) == ("Ri Song-un", "Ri Song Un")


def test_no_bracket_of_the_source_is_lost(encoded_seeds):
    """Every bracket is encoded (gap, supplied, choice, ref, note) or kept as text."""
    out, _ = encoded_seeds
    for src in sorted(SEEDS.glob("*.txt")):
        tei = etree.parse(str(out / f"{src.stem}.xml"))
        body_text = src.read_text("utf-8")
        n_src = len(re.findall(r"\[[^\[\]]*\]", body_text.split("Korean HTML")[0]))
        encoded = len(x(tei, "//t:text//t:gap | //t:text//t:supplied | //t:text//t:choice | //t:text//t:ref"
                             " | //t:text//t:note[@type!='damage'] | //t:titleStmt//t:supplied | //t:titleStmt//t:ref"
                             " | //t:titleStmt//t:gap | //t:abstract//t:supplied | //t:bibl//t:supplied"))
        kept = sum(s.count("[") for s in x(tei, "//text()[not(ancestor::t:damage)]"))
        assert encoded + kept >= n_src, src.name


WORD = re.compile(r"[^\W_]+")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_word_of_the_document_survives(encoded_seeds, prefix):
    """All words of the page except the dropped furniture are in the TEI, as often as in the source."""
    out, results = encoded_seeds
    res = next(r for r in results if Path(r.source).name.startswith(prefix))
    src = Path(res.source).read_text("utf-8")
    dropped_lines = {d["line"] for d in res.dropped if d["reason"] != "markdown emphasis" and d["text"] != "□□"}
    kept = [line for no, line in enumerate(src.split("\n"), 1) if no not in dropped_lines]
    source_words = Counter(WORD.findall(" ".join(kept)))
    tei = etree.parse(res.output)
    tei_words = Counter(WORD.findall(" ".join(tei.xpath("//text()"))))
    missing = source_words - tei_words
    assert not missing, f"words lost: {dict(list(missing.items())[:10])}"


# -- validity and determinism --------------------------------------------------------------------

def test_seeds_and_dev_transcripts_are_valid_against_tei_all(encoded_seeds, encoded_dev, tei_all_rng):
    for folder in (encoded_seeds[0], encoded_dev[0]):
        for f in sorted(folder.glob("*.xml")):
            tree = etree.parse(str(f))
            assert tei_all_rng.validate(tree), f"{f.name}: {tei_all_rng.error_log.last_error}"


def test_output_is_byte_identical_on_rerun(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    encode_paths([str(SEEDS)], a, register_dir=REGISTER)
    encode_paths([str(SEEDS)], b, register_dir=REGISTER)
    for f in a.glob("*.xml"):
        assert f.read_bytes() == (b / f.name).read_bytes()


def test_source_date_epoch_stamps_the_change(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    encode_paths([str(next(SEEDS.glob("000_*.txt")))], tmp_path, register_dir=REGISTER)
    t = etree.parse(str(next(tmp_path.glob("*.xml"))))
    assert x(t, "string(//t:revisionDesc/t:change/@when)") == "2023-11-14T22:13:20Z"


def _without_models(data: bytes) -> bytes:
    return re.sub(rb"<\?xml-model [^>]*\?>\n", b"", data)


def test_committed_edition_is_what_the_encoder_makes(encoded_seeds):
    """tei/ in the repository is current: re-encoding the seeds gives the same files,
    except those an editor changed by hand (which the manifest tells)."""
    out, _ = encoded_seeds
    from tei_encoder.fileio import Manifest
    manifest = Manifest(Path(__file__).resolve().parents[1] / "tei")
    for f in sorted(out.glob("*.xml")):
        if manifest.hand_edited(f.name):
            continue
        committed = manifest.folder / f.name
        assert committed.exists(), f"{f.name} missing from tei/: run `tei-encoder build`"
        assert _without_models(committed.read_bytes()) == _without_models(f.read_bytes()), \
            f"tei/{f.name} is stale: run `tei-encoder build`"


# -- safe runs ---------------------------------------------------------------------------------------

def run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_hand_edited_file_is_not_overwritten_without_force(tmp_path):
    src = next(SEEDS.glob("000_*.txt"))
    out = tmp_path / "tei"
    assert run(["encode", str(src), "-o", str(out)]).exit_code == 0
    target = out / f"{src.stem}.xml"
    edited = target.read_text("utf-8").replace("Memorandum of Conversation", "Memorandum of a Conversation", 1)
    target.write_text(edited, "utf-8")
    r = run(["encode", str(src), "-o", str(out)])
    assert "edited by hand" in r.output and target.read_text("utf-8") == edited
    r = run(["encode", str(src), "-o", str(out), "--force"])
    assert r.exit_code == 0 and target.read_text("utf-8") != edited
    assert not list(out.glob(".*.tmp"))          # atomic writes leave no temporary files


BAD = {
    "empty.txt": (b"", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "binary file"),
    "latin2.txt": (b"Skip to content\n\nMay 7, 1978\n\nTitle\n\n\x81\x8d\x8f text", "not UTF-8"),
    "furniture.txt": (b"Skip to content\n\nSearch in\n\nRecord ID\n", "no document text"),
    "page.txt": (b"<!DOCTYPE html><html><body>Skip to content</body></html>", "an HTML page"),
    "tei.txt": (b'<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"/>', "an XML file"),
    "nonchar.txt": ("Skip to content\n\nMay 7, 1978\n\nTitle \uffff\n".encode("utf-8"), "control character"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_refused_with_one_line_naming_the_file_and_the_rest_is_encoded(tmp_path, name):
    data, message = BAD[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    good = next(SEEDS.glob("001_*.txt"))
    out = tmp_path / "tei"
    r = CliRunner().invoke(main, ["encode", str(bad), str(good), "-o", str(out)])
    assert r.exit_code == 1
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(bad) in errors[0] and message in errors[0]
    assert (out / f"{good.stem}.xml").exists() and not (out / f"{bad.stem}.xml").exists()


def test_missing_file_is_reported(tmp_path):
    r = CliRunner().invoke(main, ["encode", str(tmp_path / "nope.txt"), "-o", str(tmp_path)])
    assert r.exit_code == 1 and "nope.txt: no such file" in r.output


@pytest.mark.parametrize("encoding, detected", [("utf-8-sig", "utf-8"), ("utf-16", "utf-16-le"),
                                                ("utf-16-le", "utf-16-le"), ("cp1252", "cp1252")])
def test_other_encodings_are_decoded_when_safe(tmp_path, encoding, detected):
    text = next(SEEDS.glob("004_*.txt")).read_text("utf-8")
    if encoding == "cp1252":
        text = text.replace("□", "")                                  # cp1252 cannot hold □
    src = tmp_path / "doc.txt"
    src.write_bytes(text.encode(encoding))
    out = tmp_path / "tei"
    r = run(["encode", str(src), "-o", str(out), "--report", str(tmp_path / "r.json")])
    assert r.exit_code == 0, r.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["files"][0]["encoding"] == detected
    t = etree.parse(str(out / "doc.xml"))
    assert x(t, "string(//t:titleStmt/t:title)").startswith("Telegram 057.139")
    assert "communiqués" in "".join(t.getroot().itertext())


def test_conversion_report_lists_what_was_dropped(tmp_path):
    out = tmp_path / "tei"
    r = run(["encode", str(SEEDS), "-o", str(out), "--report", str(tmp_path / "r.json"), "-v"])
    assert r.exit_code == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["transcripts"] == 5 and report["summary"]["failed"] == 0
    f003 = next(f for f in report["files"] if "003_" in f["source"])
    assert {"text": "get citation", "line": 12, "reason": "page furniture"} in f003["dropped"]
    assert f003["damaged_sections"] == ["Korean HTML"]
    assert "dropped line" in r.output


def test_amounts_are_measures(encoded_seeds):
    out, _ = encoded_seeds
    t = doc(out, "004")
    assert x(t, "//t:measure[@quantity='300000000'][@unit='ruble']")
    assert x(t, "//t:measure[@quantity='328800000'][@unit='ruble'][. = '328.8 million rubles']")


def test_correspondents_come_from_the_memo_header_or_the_title_never_from_a_phrase(encoded_seeds):
    out, _ = encoded_seeds
    t2 = doc(out, "002")        # "… Ambassador of Czechoslovakia to Moscow, for …" names no correspondents
    assert not x(t2, "//t:correspDesc")


DATA = Path(__file__).parent / "data" / "transcripts"


def test_undated_page_and_intact_second_language_block(tmp_path):
    out = tmp_path / "tei"
    r = run(["encode", str(DATA / "undated-old-site-page.txt"),
             str(DATA / "new-site-with-russian-transcription.txt"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    undated = etree.parse(str(out / "undated-old-site-page.xml"))
    assert x(undated, "string(//t:titleStmt/t:title)") == "Undated Note on the Korean Question"
    assert not x(undated, "//t:profileDesc/t:creation")
    ru = etree.parse(str(out / "new-site-with-russian-transcription.xml"))
    date = x(ru, "//t:profileDesc/t:creation/t:date")[0]
    assert (date.get("when"), date.get("cert"), date.text) == ("1962", "low", "c. 1962")
    block = x(ru, "//t:div[@type='translation']")[0]
    assert block.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    assert not x(block, ".//t:damage") and "Делегация" in "".join(block.itertext())


def test_two_persons_in_the_readings_of_a_choice_stay_valid(tmp_path):
    """'Roh Tae-woo [Ri Song Un]': each reading names someone else; the readings stay the choice's
    children and each holds its own name (a name around <orig> would be invalid TEI)."""
    src = tmp_path / "choice.txt"
    src.write_text((SEEDS / "002_adaeb2830212c886.txt").read_text(encoding="utf-8")
                   .replace("Ri Song-un [Ri Song Un]", "Roh Tae-woo [Ri Song Un]"), encoding="utf-8")
    out = tmp_path / "tei"
    assert run(["encode", str(src), "-o", str(out)]).exit_code == 0
    tree = etree.parse(str(out / "choice.xml"))
    choice = [c for c in x(tree, "//t:choice") if "Roh Tae-woo" in "".join(c.itertext())][0]
    assert [etree.QName(c).localname for c in choice] == ["orig", "reg"]
    assert x(choice, "string(t:orig/t:persName/@ref)").endswith("#roh-tae-woo")
    assert x(choice, "string(t:reg/t:persName/@ref)").endswith("#ri-song-un")
    r = CliRunner().invoke(main, ["validate", str(out / "choice.xml")], env={"CI": "true"})
    assert r.exit_code == 0, r.output


def test_span_resolution_keeps_exactly_what_pairwise_comparison_keeps():
    """resolve() finds crossings through its start/end buckets; on random spans (nested, crossing,
    equal, empty, long) it keeps the same spans as comparing every pair would."""
    import random
    from tei_encoder.annotate import Span
    from tei_encoder.writers.inline import NESTING, resolve

    def pairwise(spans):
        ranked = sorted(spans, key=lambda s: (-s.priority, -(s.end - s.start), s.start))
        kept = []
        for s in ranked:
            if s.end <= s.start and s.tag != "gap":
                continue
            if any(s.start < k.start < s.end < k.end or k.start < s.start < k.end < s.end or
                   (s.start, s.end, s.tag) == (k.start, k.end, k.tag) for k in kept):
                continue
            kept.append(s)
        return sorted(kept, key=lambda s: (s.start, -(s.end - s.start), NESTING.get(s.tag, 5)))

    rng = random.Random(7)
    tags = ["persName", "placeName", "date", "supplied", "gap", "choice"]
    for _ in range(200):
        spans = []
        for _ in range(rng.randint(0, 60)):
            start = rng.randint(0, 400)
            end = start + rng.choice([0, 1, 3, 10, 40, 70, 200])
            spans.append(Span(start, end, rng.choice(tags), priority=rng.choice([0, 0, 1, 5])))
        assert resolve(spans) == pairwise(spans)
