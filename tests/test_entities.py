"""Persons, places and organisations: tagged, bounded and linked as ENCODING.md says."""
from __future__ import annotations

import shutil

from click.testing import CliRunner
from lxml import etree

from conftest import REGISTER
from tei_encoder.annotate.entities import EntityTagger
from tei_encoder.cli import main
from tei_encoder.register import Register

NS = {"t": "http://www.tei-c.org/ns/1.0"}


def tagger():
    return EntityTagger(Register.load(REGISTER))


def tags(text, date="1963-08-22"):
    t = tagger()
    t.start_document([text], date)
    return [(text[s.start:s.end], s.tag, (s.attr("ref") or "").split("#")[-1] or None, s.attr("cert"))
            for s in t.find(text, date)]


def test_titles_stay_outside_names_and_names_link_to_the_register():
    found = tags("He met comrade Kim Il Sung and Cde. Ivanov.", "1956-10-15")
    assert ("Kim Il Sung", "persName", "kim-il-sung", None) in found
    assert any(text == "Ivanov" and tag == "persName" and ref for text, tag, ref, _ in found)


def test_initials_and_supplied_first_names_belong_to_the_name():
    found = [f[:2] for f in tags("D.A. Kunaev relayed it to [Anastas] Mikoyan and I. Vinogradov.", "1978-05-07")]
    assert ("D.A. Kunaev", "persName") in found
    assert ("[Anastas] Mikoyan", "persName") in found
    assert ("I. Vinogradov", "persName") in found


def test_spelling_variants_link_to_one_entry():
    a = dict((t, r) for t, _, r, _ in tags("Comrade Puzanov and Comrade Pusanov", "1960-08-30"))
    assert a["Puzanov"] == a["Pusanov"] is not None


def test_organisations_by_their_longest_name_and_abbreviations():
    found = [f[:2] for f in tags("the Central Committee of the CPSU, the KWP CC, the CC KWP and the Socialist Mass Party")]
    assert ("Central Committee of the CPSU", "orgName") in found
    assert ("KWP CC", "orgName") in found and ("CC KWP", "orgName") in found
    assert ("Socialist Mass Party", "orgName") in found
    assert not any(tag == "placeName" for _, tag in found)       # no country inside an organisation


def test_places_without_articles_or_possessives_and_no_adjectives():
    found = [f[:2] for f in tags("the DPRK's proposals, Soviet aid to North Korea and the Chinese in Pyongyang")]
    assert ("DPRK", "placeName") in found and ("North Korea", "placeName") in found
    assert ("Pyongyang", "placeName") in found
    assert not any(text in ("Soviet", "Chinese") for text, _ in found)


def test_unknown_names_are_tagged_low_certainty_without_a_link():
    found = tags("Ambassador Zbigniew Kowalczyk met Comrade Pak Tong-hwi.")
    assert ("Zbigniew Kowalczyk", "persName", None, "low") in found
    assert ("Pak Tong-hwi", "persName", None, "low") in found


def test_a_person_named_only_by_office_is_not_tagged():
    assert tags("the Soviet ambassador told the Romanian ambassador") == []


def test_bare_surname_refers_to_the_person_named_in_full_in_the_document():
    text = "Soviet Ambassador Vasily Moskovsky received him. Moskovsky said no."
    found = tags(text)
    refs = {t: r for t, tag, r, _ in found if tag == "persName"}
    assert refs["Moskovsky"] == refs["Vasily Moskovsky"] is not None


def test_ambiguous_form_is_not_linked_to_a_guess():
    """A form two register entries share is linked only if the date rules one out."""
    reg = Register.load(REGISTER)
    shared = {}
    for e in reg.entries:
        for n in e.names:
            shared.setdefault((e.kind, n.text), set()).add(e.id)
    t = EntityTagger(reg)
    for (kind, text), ids in shared.items():
        if len(ids) > 1:
            t.start_document([text], None)
            for s in t.find(text, None):
                assert not s.attr("ref"), f"{text!r} linked without evidence"
            break


def test_every_ref_in_the_seeds_resolves_to_one_register_entry(encoded_seeds):
    out, _ = encoded_seeds
    ids = {e.id for e in Register.load(REGISTER).entries}
    n = 0
    for f in out.glob("*.xml"):
        for ref in etree.parse(str(f)).xpath("//@ref[contains(., 'register/')]"):
            assert ref.split("#")[1] in ids
            n += 1
    assert n > 100


def test_register_add_is_picked_up_by_the_next_encoding(tmp_path):
    reg = tmp_path / "register"
    shutil.copytree(REGISTER, reg)
    text = "Skip to content\n\nMay 7, 1978\n\nA note\n\nAmbassador Zbigniew Kowalczyk met the Minister today and said it.\n"
    src = tmp_path / "note.txt"
    src.write_text(text, "utf-8")
    out = tmp_path / "tei"
    runner = CliRunner()
    assert runner.invoke(main, ["encode", str(src), "-o", str(out), "--register", str(reg)]).exit_code == 0
    r = runner.invoke(main, ["register", "unknown", str(out)])
    assert "Zbigniew Kowalczyk" in r.output
    r = runner.invoke(main, ["register", "add", "person", "Zbigniew Kowalczyk", "--register", str(reg),
                             "--description", "Polish diplomat (test entry)"])
    assert r.exit_code == 0 and "zbigniew-kowalczyk" in r.output
    assert runner.invoke(main, ["encode", str(src), "-o", str(out), "--register", str(reg)]).exit_code == 0
    tree = etree.parse(str(out / "note.xml"))
    assert tree.xpath("//t:persName[. = 'Zbigniew Kowalczyk']/@ref", namespaces=NS) == \
        ["../register/persons.xml#zbigniew-kowalczyk"]   # relative to the TEI file
    r = runner.invoke(main, ["register", "add", "person", "Zbigniew Kowalczyk", "--register", str(reg)])
    assert r.exit_code == 1 and "exists already" in r.output


def test_register_files_are_valid_against_tei_all(tei_all_rng):
    """The register is exchanged with other archives: it must be plain TEI, not only the edition's subset."""
    for f in sorted(REGISTER.glob("*.xml")):
        tree = etree.parse(str(f))
        assert tei_all_rng.validate(tree), f"{f.name}: {tei_all_rng.error_log.last_error}"


def test_edition_schema_rejects_an_org_whose_idno_follows_its_notes(tmp_path):
    """edition.xsd stays a subset of tei_all on register entries too."""
    from tei_encoder.validation.engine import validate_file
    text = (REGISTER / "orgs.xml").read_text("utf-8")
    good = tmp_path / "register" / "orgs.xml"
    good.parent.mkdir()
    good.write_text(text, "utf-8")
    assert validate_file(good).ok()
    start = text.index("<org ")
    end = text.index("</org>", start)
    entry = text[start:end]
    bad_entry = entry.replace("</orgName>", "</orgName>\n<note>first a note</note><idno type=\"wikidata\">Q1</idno>", 1)
    bad = tmp_path / "register" / "orgs-bad.xml"
    bad.write_text(text[:start] + bad_entry + text[end:], "utf-8")
    result = validate_file(bad)
    assert not result.ok() and any("idno" in p.message or "idno" in p.path for p in result.problems)


def test_glosses_suffixes_and_numbered_units_belong_to_the_name():
    found = [f[:2] for f in tags("Jiang Jieshi [Chiang Kai-shek] and Thomas J. Coolidge, Jr. met the "
                                 "Regional Division IV", "1974-08-01")]
    assert ("Jiang Jieshi [Chiang Kai-shek]", "persName") in found
    assert ("Thomas J. Coolidge, Jr.", "persName") in found
    assert ("Regional Division IV", "orgName") in found


def test_a_surname_shared_by_several_persons_of_the_document_is_not_linked():
    text = "Present: KIM Il Sung and KIM Il. North (KIM): Good morning."
    found = tags(text, "1972-11-03")
    bare = [(t, r, c) for t, tag, r, c in found if t == "KIM"]
    assert bare and all(r is None and c == "low" for _, r, c in bare)


def test_an_abbreviation_spelled_out_in_brackets_is_one_mention():
    found = tags("the nonaligned members of the SC [Security Council] (Chile and UAR [United Arab Republic; Egypt])",
                 "1962-10-26")
    assert ("SC [Security Council]", "orgName") in [f[:2] for f in found]
    assert ("UAR [United Arab Republic; Egypt]", "placeName") in [f[:2] for f in found]


def test_an_abbreviation_the_document_defines_otherwise_is_not_linked_to_the_register():
    """'CCP' is the Chinese Communist Party in the register; a document that spells out
    'Council on Classification Policy (CCP)' means something else by it."""
    other = tags("the Council on Classification Policy (CCP) met. The CCP agreed.", "1970-01-01")
    assert [(t, r) for t, tag, r, _ in other if tag == "orgName"] == \
        [("Council on Classification Policy (CCP)", None), ("CCP", None)]
    same = tags("Delegates of the Chinese Communist Party (CCP) came. The CCP agreed.", "1970-01-01")
    assert all(r and r.endswith("ccp") for t, tag, r, _ in same if tag == "orgName")


def test_a_title_abbreviated_with_a_period_still_introduces_a_name():
    found = [f[:2] for f in tags("At his request Cde. Suntsov, an adviser, wrote to Mrs. Pak and Gen. Hodge.", "1955-12-24")]
    assert ("Suntsov", "persName") in found
    assert ("Pak", "persName") in found
    assert ("Hodge", "persName") in found
    # a sentence that ends after an ordinary word does not run into the next one
    assert not any(text.startswith("Embassy") for text, _ in tags("He left the Embassy. Kim said so."))


def test_a_group_possessive_stays_inside_an_organisation_name_but_a_persons_does_not():
    found = [f[:2] for f in tags("at the instruction of the Political Council of the CC of the Korean Worker’s Party "
                                 "and of the People’s Army, not of Kim Il Sung's Party.", "1950-08-31")]
    assert ("Political Council of the CC of the Korean Worker’s Party", "orgName") in found
    assert ("People’s Army", "orgName") in found
    assert not any("Sung's Party" in text for text, _ in found)


def test_the_clerks_lines_name_persons_and_numbered_units_are_not_file_numbers():
    found = [f[:2] for f in tags("Deciphered by Morozov at 7:45 a.m. Typed by Bantsekina. Prepared by the Ministry of "
                                 "Foreign Affairs.", "1950-10-14")]
    assert ("Morozov", "persName") in found and ("Bantsekina", "persName") in found
    assert ("Ministry of Foreign Affairs", "orgName") in found
    assert not any(tag == "orgName" and text.startswith("Embassy") for text, tag in
                   [f[:2] for f in tags("Embassy 242/18/K/53 of the Polish Republic", "1953-06-25")])


def test_an_embassy_inside_an_organisations_name_takes_its_place_in_the_name():
    found = [f[:2] for f in tags("Kim Hyung-mo, Chief of the Consular Department of the DPRK Embassy in the USSR, came.",
                                 "1956-10-19")]
    assert ("Consular Department of the DPRK Embassy in the USSR", "orgName") in found


def test_organisation_names_with_ordinals_members_and_a_countrys_possessive():
    found = [f[:2] for f in tags("Sent to the 8th Department of the General Staff of the Armed Forces. A chief of the "
                                 "Cabinet of Ministers met advisors to North Korea's Ministry of Internal Affairs at the "
                                 "Protocol Directorate in the DPRK Ministry of Foreign Affairs. The Soviet Government and "
                                 "the 20th Soviet Communist Party [Congress] agreed; the Indonesian Embassy on the 2nd.",
                                 "1950-08-31")]
    for name in ("8th Department of the General Staff of the Armed Forces", "Cabinet of Ministers",
                 "North Korea's Ministry of Internal Affairs",
                 "Protocol Directorate in the DPRK Ministry of Foreign Affairs", "Indonesian Embassy"):
        assert (name, "orgName") in found, name
    assert not any(text.startswith(("Soviet Government", "20th")) for text, _ in found)


def test_initials_after_a_surname_belong_to_the_name():
    found = [f[:2] for f in tags("Ambassador of the USSR in the DPRK, Cde. Ivanov V.I.\nFor the period", "1956-06-07")]
    assert ("Ivanov V.I.", "persName") in found


def test_unknown_names_in_a_list_of_persons_are_persons_but_not_in_a_list_of_places():
    found = [f[:2] for f in tags("CPSU Delegation: Suslov (leader), Kozlov, Kuusinen, Ponomarev, Andropov, Il'ichev, "
                                 "Grishin, Chervonenko", "1960-09-17")]
    for name in ("Kozlov", "Kuusinen", "Il'ichev", "Grishin"):
        assert (name, "persName") in found, name
    assert [f[:2] for f in tags("send it to Chairman, Liu, Zhu, Deng and Chen for reading", "1955-04-04")] == \
        [("Liu", "persName"), ("Zhu", "persName"), ("Deng", "persName"), ("Chen", "persName")]
    assert not any(tag == "persName" for _, tag in
                   [f[:2] for f in tags("visits to Czechoslovakia, Hungary, Poland and the Soviet Union")])


def test_sender_with_place_burmese_honorific_and_two_surnames():
    found = [f[:2] for f in tags("Telegram from Maneli (Saigon) to Spasowski (Warsaw) on talks of Zhou Enlai with "
                                 "U Nu; Raúl Díaz Argüelles came.", "1963-10-04")]
    for name in ("Maneli", "Spasowski", "U Nu", "Raúl Díaz Argüelles"):
        assert (name, "persName") in found, name
    assert ("Saigon", "placeName") in found


def test_a_delegation_is_described_not_named_and_an_embassy_heading_keeps_its_city():
    found = [f[:2] for f in tags("CPSU Delegation: Suslov. The delegation of the Albanian Labor Party met the "
                                 "Indonesian Government on Friday.", "1962-06-29")]
    assert ("CPSU", "orgName") in found and ("Albanian Labor Party", "orgName") in found
    assert not any("Delegation" in text or "delegation" in text or "Friday" in text for text, _ in found)
    heading = "Mexican Embassy, Prague\nTelegram no. 5"
    assert ("Mexican Embassy, Prague", "orgName") in [f[:2] for f in tags(heading, "1962-10-28")]


def test_named_governments_joined_department_names_and_an_embassy_to_a_country():
    found = [f[:2] for f in tags("the Communist Party and the government of the Soviet Union. From : Information and "
                                 "Culture Department to the GDR Embassy to DPRK; the Chairman of the Council of "
                                 "Ministers of the DPRK Kim Il met the Soviet-Korean Friendship Society.", "1963-05-01")]
    for name in ("government of the Soviet Union", "Information and Culture Department", "GDR Embassy to DPRK",
                 "Council of Ministers of the DPRK", "Soviet-Korean Friendship Society"):
        assert (name, "orgName") in found, name
    assert ("Kim Il", "persName") in found
    assert not any(t.startswith("Sung and") for t, _ in [f[:2] for f in tags("Kim Il Sung and Foreign Ministry")])


def test_a_korean_name_and_its_romanisation_in_brackets_are_one_mention():
    found = [f[:2] for f in tags("Deputy Foreign Minister, Comrade Ri Man-seok [Ri Man Sok], on 8 June", "1972-06-09")]
    assert ("Ri Man-seok [Ri Man Sok]", "persName") in found
    assert not any(t == "No. Chen" for t, _ in [f[:2] for f in tags("Telegram No. Chen Yi", "1961-01-01")])


def test_a_lone_surname_with_a_slavic_ending_is_a_person_but_a_known_place_is_not():
    found = [f[:2] for f in tags("Chief of the Consular Department Seregin was present. Korobov left for Minsk and "
                                 "Berlin. Min. St. Skrzeszewski signed.", "1955-12-24")]
    assert ("Seregin", "persName") in found and ("Korobov", "persName") in found
    assert ("Minsk", "placeName") in found and ("Berlin", "placeName") in found
    assert ("St. Skrzeszewski", "persName") in found


def test_organisations_glossed_in_brackets_radio_stations_and_letterheads():
    found = [f[:2] for f in tags("the member of Politburo of CC [Central Committee] of the Korean Workers’ Party met "
                                 "the head of the International Liaisons Office [of the Polish United Workers’ Party]; "
                                 "Radio Seoul reported; the Romanian Ministry of Foreign Affairs on Heo Dam.",
                                 "1985-01-10")]
    for name in ("Politburo of CC [Central Committee] of the Korean Workers’ Party",
                 "International Liaisons Office [of the Polish United Workers’ Party]", "Radio Seoul",
                 "Romanian Ministry of Foreign Affairs"):
        assert (name, "orgName") in found, name
    assert ("Heo Dam", "persName") in found
    assert ("Embassy of the GDR\nin the DPRK", "orgName") in [f[:2] for f in tags("Embassy of the GDR\nin the DPRK")]


def test_names_typed_with_spaced_letters():
    found = tags("No. 1476/sh\nS H T Y K O V\nP r a g u e\nJiri H e n d r y c h\nPoints A B C D were", "1960-01-01")
    assert found[0][:3] == ("S H T Y K O V", "persName", "terentii-shtykov")    # linked as Shtykov
    assert ("P r a g u e", "placeName") in [f[:2] for f in found]
    assert ("Jiri H e n d r y c h", "persName") in [f[:2] for f in found]
    assert not any(t.startswith("A B") for t, *_ in found)


def test_a_supplied_given_name_stays_with_an_unknown_surname():
    assert [f[:2] for f in tags("travel constraints. [Arnold] Mononutu said that he", "1954-07-10")] == \
        [("[Arnold] Mononutu", "persName")]


def test_province_words_stay_outside_places_and_numbers_are_no_persons():
    found = [f[:2] for f in tags("in Fujian Province; telegram Mao-1014 against U.S. Imperialism", "1979-01-01")]
    assert ("Fujian", "placeName") in found
    assert not any(tag == "persName" for _, tag in found)
