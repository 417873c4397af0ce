"""The PDF edition, read back from the PDFs (poppler-utils and pypdf).

The PDFs are rendered once per session: the edition's tei/*.xml with its
register, plus a small document of our own with names in Hangul, Cyrillic and
Latin with diacritics.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
TEI_DIR = ROOT / "tei"
T = "{http://www.tei-c.org/ns/1.0}"

pytestmark = pytest.mark.skipif(
    not all(shutil.which(p) for p in ("pdftotext", "pdffonts", "pdftoppm")),
    reason="poppler-utils (pdftotext, pdffonts, pdftoppm) not installed; .ci/run installs them")

SCRIPTS_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="doc-zz_scripts" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title type="main">Note on a Conversation between <persName ref="register/persons.xml#kim-il-sung">Kim Il Sung</persName> and Khrushchev</title>
        <respStmt><resp>Translated by</resp><persName>Test Translator</persName></respStmt>
        <funder>The Test Foundation</funder>
      </titleStmt>
      <publicationStmt><authority>tei-encoder edition</authority><idno type="filename">zz_scripts</idno></publicationStmt>
      <sourceDesc><bibl type="citation">Test Archive, fond 1, opis 2, delo 3, listy 4-5.</bibl></sourceDesc>
    </fileDesc>
    <profileDesc>
      <creation><date when="1957-11-07">7 November 1957</date></creation>
      <correspDesc><correspAction type="sent"><orgName>Embassy of the USSR in the DPRK</orgName></correspAction></correspDesc>
    </profileDesc>
  </teiHeader>
  <text xml:lang="en">
    <body>
      <div type="document" n="document">
        <p n="1">The Korean leader <persName ref="register/persons.xml#kim-il-sung" xml:lang="ko">김일성</persName> met <persName ref="register/persons.xml#nikita-khrushchev" xml:lang="ru">Хрущёв</persName> in Moscow.</p>
        <p n="2">Present were Dvořák and Ceaușescu<note type="editorial">Editorial test footnote about the guests.</note>, and <supplied reason="implied">the</supplied> ambassador. <gap reason="omitted"/></p>
        <p n="3">The names were recorded as <choice><orig>Ri Song-un</orig><reg>Ri Song Un</reg></choice> and <persName cert="low">Unknown Person</persName>.</p>
      </div>
    </body>
  </text>
</TEI>
"""


# ---------------------------------------------------------------------------
# Rendering once
# ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pdf_edition(tmp_path_factory):
    """(input folder, output folder, run): the edition and the scripts document rendered once."""
    from tei_encoder.pdf import render_pdfs

    src = tmp_path_factory.mktemp("pdf-tei")
    for f in sorted(TEI_DIR.glob("*.xml")):
        shutil.copy(f, src / f.name)
    shutil.copytree(TEI_DIR / "register", src / "register")
    (src / "zz_scripts.xml").write_text(SCRIPTS_DOC, encoding="utf-8")
    out = tmp_path_factory.mktemp("pdf-out")
    run = render_pdfs([src], out, jobs=2)
    return src, out, run


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader
    return len(PdfReader(str(pdf)).pages)


def words(text: str) -> list[str]:
    """Comparable words: line-end hyphenation joined, hyphens, brackets and punctuation
    dropped (pdftotext joins "four-" + "hour" at a line end as "fourhour"), footnote
    calls glued to a word ("Ceaușescu1") cut off, case folded."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2010\n", "").replace("\u00ad\n", "").replace("-\n", "")
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    out = []
    for w in text.split():
        w = re.sub(r"[^\w']", "", w).strip("'").casefold()
        w = re.sub(r"(?<=[^\W\d_])\d+$", "", w)
        if w:
            out.append(w)
    return out


def pdf_words(text: str, expected: list[str]) -> list[str]:
    """words() of a PDF's text, with words hyphenated across a page break joined again:
    "fo‐" at the foot of one page, then footnotes, page number and running head, then
    "cused" on the next. The second half is the first later token that completes a
    word the document has."""
    text = re.sub("[\u2010-]\n(?=\\S)", "", unicodedata.normalize("NFC", text))
    raw = text.split()
    vocab = set(expected)
    out: list[str] = []
    skip: set[int] = set()
    for i, tok in enumerate(raw):
        if i in skip:
            continue
        if tok.endswith("\u2010"):
            head = words(tok[:-1])
            for j in range(i + 1, min(i + 200, len(raw))):
                if j in skip:
                    continue
                tail = words(raw[j])
                if head and tail and head[-1] + tail[0] in vocab:
                    out.extend(head[:-1] + [head[-1] + tail[0]] + tail[1:])
                    skip.add(j)
                    break
            else:
                out.extend(head)
            continue
        out.extend(words(tok))
    return out


def is_subsequence(needle: list[str], hay: list[str]) -> tuple[bool, int]:
    it = iter(hay)
    for i, w in enumerate(needle):
        if not any(h == w for h in it):
            return False, i
    return True, len(needle)


def printed_text(el, gloss_words: int = 4) -> str:
    """A TEI block's text as the print shows it in the body (notes go to the foot of the page)."""
    parts: list[str] = []

    def walk(e):
        tag = e.tag if isinstance(e.tag, str) else ""
        if tag in (f"{T}note",) or (tag == f"{T}ref" and e.get("type") == "noteAnchor"):
            pass
        elif tag == f"{T}supplied" and e.get("reason") == "gloss" and \
                len(" ".join(e.itertext()).split()) >= gloss_words and \
                not any(a.tag in (f"{T}persName", f"{T}orgName", f"{T}placeName", f"{T}head", f"{T}postscript")
                        for a in e.iterancestors()):
            pass
        elif tag == f"{T}gap":
            parts.append(" […] ")
        elif tag == f"{T}choice":
            first = e.find(f"{T}orig") if e.find(f"{T}orig") is not None else e.find(f"{T}sic")
            second = e.find(f"{T}reg") if e.find(f"{T}reg") is not None else e.find(f"{T}corr")
            if first is not None:
                parts.append("".join(first.itertext()))
                if second is not None:
                    parts.append(" [" + "".join(second.itertext()) + "]")
        else:
            if e.text and tag:
                parts.append(e.text)
            for c in e:
                walk(c)
        if e.tail and e is not el:
            parts.append(e.tail)

    walk(el)
    return "".join(parts)


def body_paragraphs(tei: Path) -> list[str]:
    root = etree.parse(str(tei)).getroot()
    return [printed_text(p) for p in root.iter(f"{T}p") if p.xpath("ancestor::t:body", namespaces={"t": T[1:-1]})]


def doc_files(src: Path) -> list[Path]:
    return sorted(src.glob("*.xml"))


# ---------------------------------------------------------------------------
# Every document and the volume are written
# ---------------------------------------------------------------------------

def test_every_document_and_the_volume_written(pdf_edition):
    src, out, run = pdf_edition
    assert run.failed == 0, [r.line() for r in run.results if r.status == "failed"]
    for f in doc_files(src):
        assert (out / f"{f.stem}.pdf").stat().st_size > 5000
    assert (out / "edition.pdf").exists()


def test_paragraphs_present_and_in_order(pdf_edition):
    src, out, _ = pdf_edition
    for f in doc_files(src):
        paras = body_paragraphs(f)
        hay = pdf_words(pdftotext(out / f"{f.stem}.pdf"), [x for p in paras for x in words(p)])
        assert paras, f
        for p in paras:
            w = words(p)
            if not w:
                continue
            # each paragraph's opening is printed as it stands
            head = " ".join(w[:5])
            assert head in " ".join(hay), f"{f.name}: paragraph not found: {p[:80]!r}"
        expected = [x for p in paras for x in words(p)]
        ok, at = is_subsequence(expected, hay)
        assert ok, f"{f.name}: text out of order or missing near {expected[max(0, at - 5):at + 5]}"


def test_volume_has_documents_in_date_order_with_toc_and_index(pdf_edition):
    src, out, _ = pdf_edition
    vol = out / "edition.pdf"
    text = pdftotext(vol)
    dated = []
    for f in doc_files(src):
        root = etree.parse(str(f)).getroot()
        when = root.find(f".//{T}profileDesc/{T}creation/{T}date").get("when")
        dated.append((when, f))
    dated.sort()
    expected = [x for _, f in dated for p in body_paragraphs(f) for x in words(p)]
    hay = pdf_words(text, expected)
    ok, at = is_subsequence(expected, hay)
    assert ok, f"volume text out of order near {expected[max(0, at - 5):at + 5]}"
    assert "Contents" in text and "Index of persons" in text
    # the contents give each document's page: the page on which its title stands
    toc_page = pdftotext(vol, "-f", "2", "-l", "2", "-layout")
    numbers = [int(m) for m in re.findall(r"^\s*\d+\.\s.*?\s(\d+)\s*$", toc_page, re.M)]
    assert len(numbers) == len(dated), toc_page
    assert numbers == sorted(numbers) and numbers[0] >= 3
    for (when, f), page in zip(dated, numbers):
        first_words = " ".join(words(body_paragraphs(f)[0])[:3])
        following = " ".join(words(pdftotext(vol, "-f", str(page), "-l", str(page + 3))))
        assert first_words in following, (f.name, page)


def test_index_of_persons_has_merged_page_numbers(pdf_edition):
    src, out, _ = pdf_edition
    vol = out / "edition.pdf"
    n = page_count(vol)
    last = pdftotext(vol, "-f", str(n - 1), "-l", str(n))
    assert "Index of persons" in last
    entry = re.search(r"Kim Il Sung, [^\n]*?([\d–, \n]+)\n", last)
    assert entry, last
    m = re.search(r"Khrushchev, Nikita[^\n]*?\s(\d+)", last.replace("\n", " "))
    assert m, "the Cyrillic mention links to the register's entry"
    assert "Unknown Person*" in last


def test_footnotes_at_the_foot_of_the_call_page(pdf_edition):
    src, out, _ = pdf_edition
    pdf = out / "zz_scripts.pdf"
    page1 = pdftotext(pdf, "-f", "1", "-l", "1", "-layout")
    assert "1. Editorial test footnote about the guests." in page1
    lines = [ln.strip() for ln in page1.splitlines() if ln.strip()]
    # below the body text
    assert lines.index(next(ln for ln in lines if ln.startswith("1. Editorial"))) > \
        lines.index(next(ln for ln in lines if "Ri Song-un" in ln))
    # the source's note markers: note 1 of 000 on the page of its call (the title)
    p = out / "000_daf40f914c803129.pdf"
    if (src / "000_daf40f914c803129.xml").exists():
        assert "Note 1 of the original" in pdftotext(p, "-f", "1", "-l", "1")


def test_editorial_conventions_printed(pdf_edition):
    _, out, _ = pdf_edition
    text = " ".join(pdftotext(out / "zz_scripts.pdf").split())
    assert "[the] ambassador" in text            # supplied words in brackets
    assert "[…]" in text                         # gaps
    assert "Ri Song-un [Ri Song Un]" in text     # alternative romanisation
    assert "Source: Test Archive, fond 1, opis 2, delo 3, listy 4-5." in text
    assert "Translated by: Test Translator" in text
    assert "Funded by: The Test Foundation" in text
    assert "7 November 1957" in text              # running head / heading date


def test_running_heads_and_page_numbers(pdf_edition):
    src, out, _ = pdf_edition
    vol = out / "edition.pdf"
    n = page_count(vol)
    heads = 0
    for i in range(3, n):
        page = pdftotext(vol, "-f", str(i), "-l", str(i), "-layout")
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        assert lines[-1] == str(i), f"page {i}: no page number at the foot: {lines[-1]!r}"
        if re.search(r"\d{4}$", lines[0]):
            heads += 1
    assert heads >= (n - 3) // 2, "running heads with title and date"


def test_all_fonts_embedded(pdf_edition):
    _, out, _ = pdf_edition
    for pdf in sorted(out.glob("*.pdf")):
        rows = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
        assert rows, pdf
        for row in rows:
            # name type encoding emb sub uni object ID: emb is the 4th field from the right end - 3
            fields = row.split()
            assert fields[-5] == "yes", f"{pdf.name}: font not embedded: {row}"


def test_page_counts_sane(pdf_edition):
    src, out, _ = pdf_edition
    total = 0
    for f in doc_files(src):
        n = page_count(out / f"{f.stem}.pdf")
        chars = sum(len(p) for p in body_paragraphs(f))
        assert 1 <= n <= chars // 1500 + 3, (f.name, n, chars)
        total += n
    vol = page_count(out / "edition.pdf")
    # title page, contents, the documents (each from a new page), the index
    assert total + 2 <= vol <= total + 2 + 6, (total, vol)


def test_pdf_metadata_and_pdfa(pdf_edition):
    from pypdf import PdfReader
    _, out, _ = pdf_edition
    r = PdfReader(str(out / "zz_scripts.pdf"))
    info = r.metadata
    assert info.title.startswith("Note on a Conversation between Kim Il Sung and Khrushchev")
    assert info.author == "Embassy of the USSR in the DPRK"
    assert r.trailer["/Root"]["/Lang"] == "en"
    xmp = r.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "/OutputIntents" in r.trailer["/Root"]
    vol = PdfReader(str(out / "edition.pdf"))
    assert vol.metadata.title
    assert vol.outline, "bookmarks for the documents"


def test_page_png_not_blank(pdf_edition, tmp_path):
    from PIL import Image
    _, out, _ = pdf_edition
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "3", "-l", "3", "-singlefile",
                    str(out / "edition.pdf"), str(tmp_path / "p")], check=True)
    im = Image.open(tmp_path / "p.png").convert("L")
    dark = sum(1 for v in im.tobytes() if v < 128)
    assert dark / (im.width * im.height) > 0.01


def _word_box(pdf: Path, word: str, tmp_path: Path):
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">|'
                         r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        if m.group(7) is not None and word in m.group(7):
            return tuple(float(m.group(i)) for i in (3, 4, 5, 6))
    return None


@pytest.mark.parametrize("word,font", [("김일성", "Nanum"), ("Хрущёв", "Noto")])
def test_hangul_and_cyrillic_drawn_with_real_glyphs(pdf_edition, tmp_path, word, font):
    from PIL import Image
    _, out, _ = pdf_edition
    pdf = out / "zz_scripts.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert any(font in ln and ln.split()[-5] == "yes" for ln in fonts.splitlines()), fonts
    assert word in pdftotext(pdf)
    box = _word_box(pdf, word, tmp_path)
    assert box, f"{word} not found with a position"
    dpi = 150
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "p")], check=True)
    im = Image.open(tmp_path / "p.png").convert("L")
    s = dpi / 72
    x0, y0, x1, y1 = (round(v * s) for v in box)
    crop = im.crop((x0, y0, x1, y1))
    ink = [v < 128 for v in crop.tobytes()]
    assert sum(ink) > 0.05 * len(ink), f"{word}: nothing drawn"
    # not tofu: the glyphs differ from one another (empty boxes would all look alike)
    n = len(word)
    w = crop.width / n
    cells = [bytes(crop.crop((round(i * w), 0, round((i + 1) * w), crop.height)).resize((12, 16)).point(
        lambda v: 255 if v > 128 else 0).tobytes()) for i in range(n)]
    assert len(set(cells)) >= n - 1, f"{word}: the glyphs look alike (empty boxes?)"
