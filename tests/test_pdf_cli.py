"""`tei-encoder render pdf`: errors name the document, the others are still written;
the index merges page numbers; `build` has a PDF step."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "tei" / "001_4be57d345b16c1e5.xml"


def test_bad_document_named_others_written(tmp_path):
    from tei_encoder.cli import main

    src = tmp_path / "tei"
    src.mkdir()
    shutil.copy(DOC, src / DOC.name)
    (src / "broken.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</body></TEI>')
    (src / "notei.xml").write_text('<html><body/></html>')
    (src / "xxe.xml").write_text('<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                 '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&x;</p></body></text></TEI>')
    out = tmp_path / "pdf"
    r = CliRunner().invoke(main, ["render", "pdf", str(src), "-o", str(out), "--no-volume", "-j", "1"])
    assert r.exit_code == 1, r.output
    errors = [ln for ln in r.output.splitlines() if ln.startswith("error:")]
    assert len(errors) == 3, r.output
    for name in ("broken.xml", "notei.xml", "xxe.xml"):
        assert any(name in e for e in errors), (name, r.output)
    assert all("\n" not in e for e in errors)
    assert (out / f"{DOC.stem}.pdf").exists()
    assert not (out / "broken.pdf").exists() and not (out / "edition.pdf").exists()
    assert "root" in next(e for e in errors if "notei.xml" in e)


def test_build_has_a_pdf_step():
    import tei_encoder.cli  # noqa: F401 - attaches the commands and their build steps
    from tei_encoder.cli_encode import BUILD_STEPS
    assert any(order == 30 and fn.__name__ == "_pdf" for order, fn in BUILD_STEPS)


def test_page_ranges():
    from tei_encoder.pdf import _ranges
    assert _ranges([5, 3, 4, 4, 9, 11, 10]) == [(3, 5), (9, 11)]
    assert _ranges([]) == []


def test_index_page_numbers_merged_once_per_page():
    from tei_encoder.pdf import merge_index_pages
    html = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><p class="index-entry">'
            '<span class="index-name">Kim Il Sung</span><span class="index-pages">'
            + "".join(f'<a class="pageref" href="#a{i}"></a>' for i in range(6))
            + '</span></p><span class="x"></span></body></html>')
    pages = {"a0": 1, "a1": 1, "a2": 2, "a3": 3, "a4": 5, "a5": 5}
    merged = merge_index_pages(html, pages)
    assert '<a class="pageref" href="#a0">1–3</a><a class="pageref" href="#a4">5</a>' in merged
    assert '<span class="x"></span>' in merged        # no <span/> for the HTML parser
    assert merge_index_pages("<html/>", pages) is None
