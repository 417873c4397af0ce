"""The HTML edition, checked structurally (lxml.html) on a site built once from tei/.

What ENCODING.md puts in the TEI must be visible on the page: title, date,
archival signature, translator, funder, summary, the text's structure, names
linked to the register, editorial marks, damaged blocks, downloads, and the
index, register and chronology pages. Browser behaviour is in
test_site_browser.py.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

from site_helpers import EXTERNAL, TEI_DIR, built_external_site, built_site, tei_files

TEI = "{http://www.tei-c.org/ns/1.0}"
NS = {"t": "http://www.tei-c.org/ns/1.0"}


def page(path: Path):
    return lxml.html.parse(str(path)).getroot()


def text_of(el) -> str:
    """Reading text of an element, without the name popups' descriptions."""
    tips = el.xpath(".//*[@role='tooltip']")
    if not tips:
        return " ".join(el.text_content().split())
    el = lxml.html.fromstring(lxml.html.tostring(el, with_tail=False))
    for t in el.xpath(".//*[@role='tooltip']"):
        t.drop_tree()
    return " ".join(el.text_content().split())


def tei_words(el) -> str:
    """Text of a TEI element without text in other namespaces (XHTML embedded in FRUS figures)."""
    return " ".join(t for t in el.xpath(".//text()[not(ancestor::*[namespace-uri() != 'http://www.tei-c.org/ns/1.0'])]"))


@pytest.fixture(scope="module")
def site():
    out, report = built_site()
    assert report.errors == [], report.errors
    return out


def tei(path: Path):
    return etree.parse(str(path))


def doc_page(site: Path, tei_path: Path):
    return page(site / "doc" / f"{tei_path.stem}.html")


# ------------------------------------------------------------------ the site as a whole

def test_every_document_has_a_page_and_a_tei_copy(site):
    files = tei_files()
    assert files, "tei/ has no documents"
    for f in files:
        assert (site / "doc" / f"{f.stem}.html").is_file()
        assert (site / "tei" / f"{f.stem}.xml").read_bytes() == f.read_bytes()
    for name in ("index", "persons", "places", "orgs", "chronology"):
        assert (site / f"{name}.html").is_file()


def test_index_lists_every_document_in_date_order(site):
    root = page(site / "index.html")
    items = root.cssselect("#doc-list > li.doc-item")
    assert len(items) == len(tei_files())
    hrefs = [li.cssselect("h2 a")[0].get("href") for li in items]
    assert sorted(hrefs) == sorted(f"doc/{f.stem}.html" for f in tei_files())
    dates = [li.cssselect("time")[0].get("datetime") for li in items if li.cssselect("time")]
    assert dates == sorted(dates)
    for li in items:
        assert li.cssselect(".abstract"), "every document of the edition has a summary"
        assert li.get("data-year") and li.get("data-archive") is not None
    # filter controls for year, archive, person
    for sel in ("#f-year", "#f-archive", "#f-person"):
        assert root.cssselect(sel)
    years = {o.get("value") for o in root.cssselect("#f-year option") if o.get("value")}
    assert years == {li.get("data-year") for li in items}


def test_pages_are_html5_with_landmarks_and_language(site):
    for p in sorted(site.rglob("*.html")):
        raw = p.read_text("utf-8")
        assert raw.startswith("<!DOCTYPE HTML>") or raw.lower().startswith("<!doctype html>"), p
        root = page(p)
        assert root.get("lang") == "en", p
        assert root.cssselect("meta[charset]") and root.cssselect("meta[name=viewport]"), p
        assert len(root.cssselect("main#main")) == 1 and root.cssselect("header") and root.cssselect("footer"), p
        assert root.cssselect("nav[aria-label]"), p
        assert len(root.cssselect("h1")) == 1, p
        ids = [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]
        dupes = {i for i in ids if ids.count(i) > 1}
        assert not dupes, f"{p.name}: duplicate ids {sorted(dupes)[:5]}"
        assert not root.xpath("//a//a"), f"{p.name}: nested links"


def test_pages_load_nothing_from_the_network(site):
    for p in sorted(site.rglob("*.html")):
        root = page(p)
        for el in root.xpath("//script[@src] | //link[@href] | //img | //iframe | //video | //audio | //source | //object | //embed"):
            url = el.get("src") or el.get("href") or el.get("data") or ""
            assert not re.match(r"^(https?:)?//", url), f"{p.name}: loads {url}"
        assert "@import" not in p.read_text("utf-8")
    css = (site / "assets" / "site.css").read_text("utf-8")
    assert "url(" not in css and "@import" not in css


# --------------------------------------------------------------------- document pages

def test_document_page_shows_the_header(site):
    for f in tei_files():
        t, root = tei(f), doc_page(site, f)
        title = " ".join("".join(t.find(".//t:titleStmt/t:title", NS).itertext()).split())
        h1 = text_of(root.cssselect("h1")[0])
        assert h1.split()[:4] == [w.strip("[]") for w in title.split()[:4]] or h1[:20] in title, (h1, title)
        when = t.find(".//t:profileDesc/t:creation/t:date", NS).get("when")
        assert root.cssselect(f'.doc-date time[datetime="{when}"]')
        meta = text_of(root.cssselect("section.metadata")[0])
        for idno in t.iterfind(".//t:msIdentifier/t:idno", NS):
            assert " ".join(idno.itertext()).strip() in meta
            assert idno.get("type") in meta
        repo = t.find(".//t:msIdentifier/t:repository", NS)
        if repo is not None:
            assert " ".join("".join(repo.itertext()).split()) in meta
        for rs in t.iterfind(".//t:titleStmt/t:respStmt", NS):
            who = rs.find("t:persName", NS)
            if who is not None:
                assert " ".join("".join(who.itertext()).split()) in meta
        funder = t.find(".//t:titleStmt/t:funder", NS)
        if funder is not None:
            assert " ".join("".join(funder.itertext()).split()) in meta
        abstract = t.find(".//t:profileDesc/t:abstract", NS)
        if abstract is not None:
            assert " ".join("".join(abstract.itertext()).split())[:60] in text_of(root.cssselect("section.abstract")[0])


def test_document_text_keeps_its_structure(site):
    mapping = {"head": ".text h2, .text h3, .text h4", "opener": ".opener", "closer": ".closer",
               "postscript": ".postscript", "dateline": ".dateline", "signed": ".signed",
               "seg[@type='letterhead']": ".seg.letterhead", "seg[@type='memo']": ".seg.memo"}
    for f in tei_files():
        t, root = tei(f), doc_page(site, f)
        body = t.find(".//t:text", NS)
        for xp, css in mapping.items():
            n = len(body.xpath(f".//t:{xp}", namespaces=NS))
            if xp == "head":
                n = len(body.xpath(".//t:div[not(.//t:damage)]/t:head", namespaces=NS))
            assert len(root.cssselect(css)) >= n, (f.name, xp)
        n_p = len(body.xpath(".//t:p[not(ancestor::t:p)]", namespaces=NS))
        assert len(root.cssselect(".text p")) >= n_p
        # no words of the text are lost
        words = set(re.findall(r"\w{4,}", " ".join(body.itertext())))
        shown = set(re.findall(r"\w{4,}", text_of(root.cssselect("section.text")[0])))
        assert not (words - shown), f"{f.name}: missing {sorted(words - shown)[:10]}"


def test_editorial_marks(site):
    saw = {"supplied": 0, "gap": 0, "choice": 0, "damage": 0}
    for f in tei_files():
        t, root = tei(f), doc_page(site, f)
        text = t.find(".//t:text", NS)
        sup = text.findall(".//t:supplied", NS)
        html_sup = root.cssselect(".text .supplied")
        assert len(html_sup) == len(sup)
        for s in html_sup:
            assert text_of(s).startswith("[") and text_of(s).endswith("]") and s.get("title")
        gaps = text.findall(".//t:gap", NS)
        assert len(root.cssselect(".text .gap")) == len(gaps)
        for g in root.cssselect(".text .gap[title='Text left out by the editors']"):
            assert text_of(g) == "[…]"
        choices = text.findall(".//t:choice", NS)
        if choices:
            assert root.cssselect("button.toggle-reg[aria-pressed='false']")
            assert len(root.cssselect(".text .choice .orig")) == len(choices)
            assert len(root.cssselect(".text .choice .reg")) == len(choices)
        damaged = text.xpath(".//t:div[.//t:damage]", namespaces=NS)
        details = root.cssselect("details.damaged")
        assert len(details) == len(damaged)
        for d in details:
            assert d.get("open") is None, "damaged blocks start collapsed"
            assert "damaged" in text_of(d.cssselect("summary")[0]).lower()
        saw["supplied"] += len(sup)
        saw["gap"] += len(gaps)
        saw["choice"] += len(choices)
        saw["damage"] += len(damaged)
    assert all(saw.values()), f"tei/ no longer exercises every mark: {saw}"


def test_downloads_and_prev_next(site):
    order = [a.get("href") for a in page(site / "index.html").cssselect("#doc-list h2 a")]
    for i, href in enumerate(order):
        root = page(site / href)
        name = Path(href).stem
        assert root.cssselect(f'a.tei-link[href="../tei/{name}.xml"]')
        assert root.cssselect(f'a.pdf-link[href="../pdf/{name}.pdf"]')
        prev = root.cssselect("a[rel=prev]")
        nxt = root.cssselect("a[rel=next]")
        assert (prev[0].get("href") if prev else None) == (Path(order[i - 1]).name if i else None)
        assert (nxt[0].get("href") if nxt else None) == (Path(order[i + 1]).name if i + 1 < len(order) else None)


def test_names_link_to_register_entries_with_descriptions(site):
    linked = 0
    persons = page(site / "persons.html")
    for f in tei_files():
        t, root = tei(f), doc_page(site, f)
        for a in root.cssselect("a.name"):
            kind_page, _, frag = a.get("href").partition("#")
            target = page(site / "doc" / kind_page)
            entry = target.get_element_by_id(frag)
            assert entry is not None
            # the entry lists this document
            assert entry.cssselect(f'a[href="doc/{f.stem}.html"]'), (f.name, frag)
            tip = root.get_element_by_id(a.get("aria-describedby"))
            assert tip.get("role") == "tooltip" and text_of(tip)
            linked += 1
        refs = [e for e in t.find(TEI + "text").iter(TEI + "persName") if (e.get("ref") or "").startswith("register/persons.xml#")
                and not any(x.tag in (TEI + "persName", TEI + "placeName", TEI + "orgName") for x in e.iterancestors())]
        for e in refs:
            frag = e.get("ref").split("#", 1)[1]
            if persons.get_element_by_id(frag, None) is not None:
                assert root.cssselect(f'a.name.person[href="../persons.html#{frag}"]'), (f.name, frag)
    if linked == 0:
        pytest.skip("no names in tei/ point to the register yet")


def test_register_pages_show_names_variants_authorities(site):
    from tei_encoder.site import load_register
    reg = load_register(TEI_DIR / "register")
    if not reg.entries:
        pytest.skip("tei/register/ is empty")
    pages = {"person": "persons.html", "place": "places.html", "org": "orgs.html"}
    roots = {k: page(site / v) for k, v in pages.items()}
    for e in reg.entries[:: max(1, len(reg.entries) // 60)]:
        art = roots[e.kind].get_element_by_id(e.id)
        txt = text_of(art)
        if art.cssselect("h3"):  # mentioned in the documents: the full entry
            assert text_of(art.cssselect("h3")[0]) == e.preferred
            for t_, n, _ in e.names[:4]:
                assert n in txt
            assert art.cssselect("ul.mentions a[href^='doc/']")
        else:  # the rest of the register, compact
            assert text_of(art.cssselect("strong")[0]) == e.preferred
        for t_, v in e.idnos:
            if t_ == "wikidata" and re.match(r"^Q\d+$", v):
                assert art.cssselect(f'a[href="https://www.wikidata.org/wiki/{v}"]')


def test_chronology_lists_documents_and_dated_events(site):
    root = page(site / "chronology.html")
    for f in tei_files():
        assert root.cssselect(f'.t-doc a[href="doc/{f.stem}.html"]')
    years = [h.text for h in root.cssselect("section.year h2")]
    assert years == sorted(y for y in years if y.isdigit()) + [y for y in years if not y.isdigit()]
    assert root.cssselect(".t-event q")


def test_link_checker_finds_no_broken_link(site):
    from tei_encoder.site import check_links
    # PDFs are written by the later PDF build step into site/pdf/.
    assert check_links(site, optional_prefixes=("pdf/",)) == []


def test_link_checker_reports_broken_links(tmp_path):
    from tei_encoder.site import check_links
    (tmp_path / "a.html").write_text('<!DOCTYPE html><p id="x"><a href="b.html">b</a> <a href="a.html#nope">n</a>'
                                     ' <a href="#x">ok</a> <a href="https://example.org/">ext</a></p>')
    problems = check_links(tmp_path)
    assert len(problems) == 2 and "b.html" in problems[0] and "nope" in problems[1]


# ------------------------------------------------------------- with a register of our own

REG_PERSONS = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>P</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader><text><body><listPerson>
<person xml:id="kim-il-sung"><persName type="preferred">Kim Il Sung</persName><persName type="variant">Kim Ir Sen</persName>
<persName type="variant" xml:lang="ko">김일성</persName><birth when="1912-04-15"/><death when="1994-07-08"/>
<note type="description">Leader of North Korea, 1948–1994.</note><idno type="wikidata">Q39464</idno><idno type="viaf">12345</idno></person>
</listPerson></body></text></TEI>"""
REG_PLACES = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>P</title></titleStmt>
<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader><text><body><listPlace>
<place xml:id="pyongyang"><placeName type="preferred">Pyongyang</placeName><note type="description">Capital of the DPRK.</note>
<idno type="geonames">1871859</idno></place></listPlace></body></text></TEI>"""
DOC = """<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="doc-x"><teiHeader><fileDesc><titleStmt>
<title type="main">Test <supplied reason="completion">memo</supplied></title></titleStmt><publicationStmt><p/></publicationStmt>
<sourceDesc><p/></sourceDesc></fileDesc><profileDesc><creation><date when="1961-02-03">3 February 1961</date></creation>
</profileDesc></teiHeader><text xml:lang="en"><body><div type="document"><p>Comrade <persName ref="register/persons.xml#kim-il-sung">Kim
Il Sung</persName> left <placeName ref="register/places.xml#pyongyang">Pyongyang</placeName> with
<persName cert="low">Pak Nobody</persName> on <date when="1961-02-01">1 February</date>. <foreign xml:lang="ru">da</foreign></p>
</div></body></text></TEI>"""


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    from tei_encoder.site import build_site
    src = tmp_path_factory.mktemp("small")
    (src / "register").mkdir()
    (src / "register" / "persons.xml").write_text(REG_PERSONS, "utf-8")
    (src / "register" / "places.xml").write_text(REG_PLACES, "utf-8")
    (src / "x.xml").write_text(DOC, "utf-8")
    out = src / "site"
    report = build_site([src], None, out)
    assert report.errors == []
    return out


def test_small_register_links_tooltips_and_authorities(small_site):
    root = page(small_site / "doc" / "x.html")
    a = root.cssselect('a.name.person[href="../persons.html#kim-il-sung"]')[0]
    tip = root.get_element_by_id(a.get("aria-describedby"))
    assert "Leader of North Korea" in text_of(tip)
    assert root.cssselect('a.name.place[href="../places.html#pyongyang"]')
    unknown = root.cssselect(".name.person.uncertain")
    assert unknown and text_of(unknown[0]) == "Pak Nobody" and unknown[0].get("title")
    assert root.cssselect('span[lang="ru"]')
    persons = page(small_site / "persons.html")
    entry = persons.get_element_by_id("kim-il-sung")
    assert entry.cssselect('a[href="https://www.wikidata.org/wiki/Q39464"]')
    assert entry.cssselect('a[href="https://viaf.org/viaf/12345"]')
    assert entry.cssselect('[lang="ko"]')
    assert "1912–1994" in text_of(entry)
    assert entry.cssselect('a[href="doc/x.html"]')
    assert "Pak Nobody" in text_of(persons.cssselect("section.unknown")[0])
    places = page(small_site / "places.html")
    assert places.get_element_by_id("pyongyang").cssselect('a[href="https://www.geonames.org/1871859"]')
    index = page(small_site / "index.html")
    assert index.cssselect('#f-person option[value="kim-il-sung"]')
    assert index.cssselect('li.doc-item[data-persons~="kim-il-sung"]')
    chron = page(small_site / "chronology.html")
    assert chron.cssselect('.t-event time[datetime="1961-02-01"]')


# -------------------------------------------------------------- other projects' TEI

def test_frus_and_hsg_documents_render_as_readable_pages():
    if not EXTERNAL.is_dir():
        pytest.skip(f"{EXTERNAL} is not here")
    out, report, files = built_external_site()
    assert report.errors == []
    for f in files:
        root = page(out / "doc" / f"{f.stem}.html")
        body_words = len(tei_words(etree.parse(str(f)).getroot().find(TEI + "text")).split())
        shown = sum(len(text_of(sec).split()) for sec in root.cssselect("section.text, section.notes"))
        assert shown >= 0.9 * body_words, f"{f.name}: {shown} of {body_words} words shown"
        assert text_of(root.cssselect("h1")[0]) not in ("", f.stem)
        # the XHTML <script>/<object> embedded in FRUS figures never reaches the page
        assert not root.xpath("//script[not(@src)] | //object | //embed | //iframe"), f.name
    from tei_encoder.site import check_links
    assert check_links(out, optional_prefixes=("pdf/",)) == []


def test_a_file_that_cannot_be_rendered_is_named_and_the_rest_is_written(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good = tei_files()[0]
    shutil.copy(good, src / good.name)
    (src / "broken.xml").write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><text>", "utf-8")
    (src / "notei.xml").write_text("<html><body/></html>", "utf-8")
    result = CliRunner(mix_stderr=False).invoke(
        __import__("tei_encoder.cli", fromlist=["main"]).main,
        ["render", "html", str(src), "-o", str(tmp_path / "site")]) if "mix_stderr" in \
        CliRunner.__init__.__code__.co_varnames else CliRunner().invoke(
        __import__("tei_encoder.cli", fromlist=["main"]).main,
        ["render", "html", str(src), "-o", str(tmp_path / "site")])
    assert result.exit_code == 1
    err = result.stderr if hasattr(result, "stderr") and result.stderr_bytes is not None else result.output
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any("broken.xml" in e for e in errors) and any("notei.xml" in e and "not a TEI" in e for e in errors)
    assert (tmp_path / "site" / "doc" / f"{good.stem}.html").is_file()
    assert (tmp_path / "site" / "index.html").is_file()


def test_render_html_command_and_help(tmp_path):
    from tei_encoder.cli import main
    r = CliRunner().invoke(main, ["render", "--help"])
    assert r.exit_code == 0 and "html" in r.output
    r = CliRunner().invoke(main, ["render", "html", "--help"])
    assert r.exit_code == 0 and "Example" in r.output
    r = CliRunner().invoke(main, ["render", "html", str(TEI_DIR), "-o", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    assert len(list((tmp_path / "s" / "doc").glob("*.html"))) == len(tei_files())


def test_build_registers_the_site_step():
    import tei_encoder.cli  # noqa: F401  (attaches the commands and their build steps)
    from tei_encoder.cli_encode import BUILD_STEPS
    assert any(order == 20 and fn.__module__ == "tei_encoder.cli_render" for order, fn in BUILD_STEPS)


def test_the_whole_reference_corpus_renders_or_is_named(tmp_path):
    """All 65 foreign TEI files: each gets a page, or one error line naming it and why."""
    if not EXTERNAL.is_dir():
        pytest.skip(f"{EXTERNAL} is not here")
    from tei_encoder.site import build_site, check_links
    files = sorted(EXTERNAL.glob("*.xml"))
    report = build_site(files, None, tmp_path / "site")
    failed = {Path(e.split(":", 1)[0]).name for e in report.errors}
    # not TEI P5 (a P4 file, an XInclude fragment) or refused by the hardened parser (entity declarations)
    assert failed <= {"teic-p5test--testp4compat.xml", "testxi-inc.xml", "teic-p5test--testminimal.xml"}, report.errors
    assert all(len(e.splitlines()) == 1 for e in report.errors)
    assert report.documents == len(files) - len(failed)
    assert check_links(tmp_path / "site", optional_prefixes=("pdf/",)) == []


def test_build_puts_the_pdfs_where_the_pages_link(tmp_path):
    from tei_encoder.site import check_links, link_pdfs
    out, _ = built_site()
    site = tmp_path / "site"
    shutil.copytree(out, site)
    pdf = tmp_path / "pdf"
    pdf.mkdir()
    for f in tei_files():
        (pdf / f"{f.stem}.pdf").write_bytes(b"%PDF-1.7\n")
    assert link_pdfs(pdf, site / "pdf") == len(tei_files())
    assert link_pdfs(pdf, site / "pdf") == len(tei_files())  # again: idempotent
    assert check_links(site) == []  # now without the pdf/ exemption


def test_pages_parse_as_html5_without_errors(site):
    """The WHATWG parser (html5lib) reports no parse error: no misnested or stray tags, valid tokens."""
    html5lib = pytest.importorskip("html5lib")
    pages = sorted(site.rglob("*.html"))
    if EXTERNAL.is_dir():
        out, _, _ = built_external_site()
        pages += sorted(out.rglob("*.html"))
    for p in pages:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(p.read_bytes())
        assert parser.errors == [], f"{p}: {parser.errors[:3]}"
