"""The reader on the seeds' and the dev transcripts' page layouts."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEV, SEEDS
from tei_encoder.readers.wilson import read_wilson
from tei_encoder.textio import read_transcript


def read(path: Path):
    return read_wilson(read_transcript(path), path.stem, str(path))


def seed(prefix: str):
    return read(next(SEEDS.glob(f"{prefix}_*.txt")))


def test_old_site_layout_with_document_information_block():
    s = seed("000")
    assert s.layout == "old-site"
    assert s.title.startswith("Memorandum of Conversation between Soviet Ambassador")
    assert s.date_iso == "1963-08-22"
    assert s.summary.startswith("The Romanian Ambassador in North Korea informs")
    assert s.signature.repository == "AVPRF"
    assert s.signature.idnos == [("fond", "0102"), ("opis", "19"), ("papka", "97"), ("delo", "5")]
    assert s.signature.folios == ("81", "83")
    assert s.translators == ["Sergey Radchenko"] and s.obtainers == ["Sergey Radchenko"]
    assert s.body[0].kind == "dateline" and s.body[0].text == "22 August 1963"
    assert "Skip to content" in [d.text for d in s.dropped]


def test_plain_lines_layout_with_description_before_the_date():
    s = seed("001")
    assert s.layout == "plain-lines"
    assert s.date_iso == "1956-10-15"
    assert s.title.startswith("Communist Party of the Soviet Union Central Committee Report")
    assert s.funder == "Leon Levy Foundation"
    assert s.summary.startswith("A directive from the CPSU CC")      # the description before the date
    assert "Report on Kim Il Sung's rejection" in s.summary            # and the summary at the end
    kinds = [b.kind for b in s.body]
    assert kinds[-2:] == ["postscript", "postscript"]                  # No. 25-C-2236, Zab
    assert any(b.kind == "signed" and b.text == "(I. Vinogradov)" for b in s.body)


def test_new_site_layout_takes_title_summary_and_citation_from_the_citation_block():
    s = seed("002")
    assert s.layout == "new-site"
    assert s.title.startswith("Memorandum of Luncheon Given by Richard")
    assert s.summary.startswith("A memorandum of a meeting between Ambassador Dvorak")
    assert s.citation.startswith('"Memorandum of Luncheon')
    assert s.translators == ["Vojtech Mastny"]
    assert s.signature.repository == "Central State Archive"
    assert "Novotny Papers" in s.signature.collections
    assert s.body[0].kind == "dateline" and s.body[-1].kind == "closer-dateline"


def test_letterhead_archival_signature_and_damaged_second_language_block():
    s = seed("003")
    assert s.funder == "ROK Ministry of Unification"
    assert [b.kind for b in s.body[:5]] == ["letterhead"] * 4 + ["dateline"]
    assert ("signature", "DY 30, IV 2/20/137") in s.signature.idnos
    assert [(x.lang, x.damaged) for x in s.sections] == [("ko", True)]
    assert any(b.kind == "postscript" and "Schwab" in b.text for b in s.body)


def test_labelled_sections_memo_header_and_artifacts():
    s = seed("004")
    assert s.layout == "labelled"
    assert s.title == "Telegram 057.139 from the Romanian Embassy in Moscow to the Romanian Ministry of Foreign Affairs"
    assert s.original_language == "Romanian"
    assert s.funder == "ROK Ministry of Unification"
    assert s.summary.startswith("The Romanian Embassy in Moscow reports")
    assert ("folder", "782/1978") in s.signature.idnos and ("matter", "220/F") in s.signature.idnos
    memo = {b.label: b.text for b in s.body if b.kind == "memo"}
    assert set(memo) == {"To", "From", "Subject", "Date"}
    reasons = {d.reason for d in s.dropped}
    assert {"scrape artifact", "markdown emphasis", "section label"} <= reasons
    assert not any("□" in b.text or "**" in b.text for b in s.body)


@pytest.mark.parametrize("path", sorted(DEV.glob("d*.txt")) if DEV.exists() else [], ids=lambda p: p.stem[:4])
def test_every_dev_transcript_has_title_date_and_text(path):
    s = read(path)
    assert s.title and s.date_iso and s.body
    assert not any(b.text.startswith(("Skip to content", "Search in", "get citation")) for b in s.body)


def test_a_whole_page_trailer_becomes_metadata_not_text():
    """A page that is not cut off ends with the archive's indexing lists, source,
    original archive, rights and record id: metadata, never body text."""
    s = read(Path(__file__).parent / "data" / "transcripts" / "full-old-site-page.txt")
    assert [b.text for b in s.body] == ["Comrade Puzanov said that the KWP Central Committee had met on 1 March."]
    assert s.summary == "Ambassador Puzanov discusses the KWP plenum."
    assert s.authors == ["Soviet Embassy in Pyongyang"]
    assert ("place", "Pyongyang") in s.keywords and ("topic", "Economic assistance") in s.keywords
    assert ("person-or-org", "Korean Workers' Party") in s.keywords
    assert s.original_archive == "Archive of Foreign Policy of the Russian Federation"
    assert s.record_id == "116543" and s.translators == ["Gary Goldberg"]
    assert s.rights.startswith("The History and Public Policy Program welcomes reuse")
    assert "2013-11-07" in [d.text for d in s.dropped]
