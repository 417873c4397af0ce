"""A large edition's overview pages come in parts; every document and event is on exactly one part.

The limits are lowered so that the five documents of tei/ make several parts (the same code runs
with 1,000 documents a page in a real edition)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from site_helpers import TEI_DIR, tei_files
from tei_encoder import overview
from tei_encoder.site import build_site, check_links


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(overview, "PAGE_DOCS", 2)
    monkeypatch.setattr(overview, "LISTED", 1)
    monkeypatch.setattr(overview, "CHRONO_ITEMS", 3)


def _pages(site: Path, base: str) -> list[Path]:
    return sorted(site.glob(f"{base}.html")) + sorted(site.glob(f"{base}-*.html"),
                                                      key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def test_parts_hold_every_document_once_and_link_to_each_other(tmp_path, small_limits):
    site = tmp_path / "site"
    report = build_site([TEI_DIR], TEI_DIR / "register", site)
    assert report.errors == []
    n = len(tei_files())
    index = _pages(site, "index")
    assert len(index) == (n + 1) // 2
    listed = []
    for p in index:
        root = lxml.html.parse(str(p)).getroot()
        listed += root.xpath("//ol[@id='doc-list']/li//h2/a/@href")
        pager = root.xpath("//nav[@class='pager'][1]//a")
        assert [a.get("href") for a in pager] == [q.name for q in index]
        assert [a.get("href") for a in pager if a.get("aria-current") == "page"] == [p.name]
        assert f"{n} documents in chronological order" in root.text_content()
    assert sorted(listed) == sorted(f"doc/{f.stem}.html" for f in tei_files())
    assert check_links(site, optional_prefixes=("pdf/",)) == []


def test_entries_cited_often_link_to_all_their_documents(tmp_path, small_limits):
    site = tmp_path / "site"
    build_site([TEI_DIR], TEI_DIR / "register", site)
    more = [(page, a) for page in ("persons", "places", "orgs")
            for a in lxml.html.parse(str(site / f"{page}.html")).getroot().xpath("//p[@class='more']/a")]
    assert more, "some entry is mentioned in more than one document"
    for page, a in more:
        entry = a.xpath("ancestor::article[1]")[0]
        count = int(entry.xpath("string(.//p[@class='mentioned-label'])").split()[2])
        assert len(entry.xpath(".//ul[@class='mentions']/li")) == 1 < count
        target = lxml.html.parse(str(site / a.get("href"))).getroot()
        assert target.xpath("//p[@class='back']/a/@href") == [f"{page}.html#{entry.get('id')}"]
        parts = target.xpath("//nav[@class='pager'][1]//a/@href") or [a.get("href")]
        assert len(parts) == (count + 1) // 2 and parts[0] == a.get("href")
        listed = [h for part in parts for h in lxml.html.parse(str(site / part)).getroot().xpath(
            "//ol[@class='mentions']/li/a/@href")]
        assert len(listed) == len(set(listed)) == count


def test_chronology_parts_keep_years_whole_and_lose_nothing(tmp_path, small_limits):
    """Every item on exactly one part; a year spans parts only when it alone has more items than a
    part holds, and then its months stay whole."""
    site = tmp_path / "site"
    build_site([TEI_DIR], TEI_DIR / "register", site)
    whole = tmp_path / "whole"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(overview, "CHRONO_ITEMS", 10**6)
        build_site([TEI_DIR], TEI_DIR / "register", whole)
    parts = _pages(site, "chronology")
    assert len(parts) > 1

    def items(paths):
        found, periods = Counter(), []
        for p in paths:
            root = lxml.html.parse(str(p)).getroot()
            periods.append(Counter(t.get("datetime")[:7] for t in root.xpath("//ol[@class='timeline']/li/time")))
            for li in root.xpath("//ol[@class='timeline']/li"):
                found[" ".join(li.text_content().split())] += 1
        return found, periods

    found, months = items(parts)
    assert found == items([whole / "chronology.html"])[0]
    per_year = Counter()
    for m in months:
        for month, n in m.items():
            per_year[month[:4]] += n
    for i, a in enumerate(months):
        for b in months[i + 1:]:
            for year in {m[:4] for m in a} & {m[:4] for m in b}:
                assert per_year[year] > overview.CHRONO_ITEMS     # only a dense year is cut...
                assert not ({m for m in a if m[:4] == year} & {m for m in b if m[:4] == year})  # ...by months


def test_chronology_periods_cut_only_dense_years_into_months(monkeypatch):
    monkeypatch.setattr(overview, "CHRONO_ITEMS", 2000)
    per_month = {"1950-00": 1, "1950-03": 2, "1951-00": 5, "1951-01": 1500, "1951-02": 1500, "1952-07": 10}
    groups = overview.chronology_periods(per_month)
    assert groups == [["1950", "1951-00", "1951-01"], ["1951-02", "1952"]]
    assert [overview._periods_label(g) for g in groups] == ["1950–January 1951", "February 1951–1952"]
    assert overview.chronology_periods({"1950-00": 3, "1951-05": 4}) == [["1950", "1951"]]
    assert overview.chronology_periods({}) == [[]] and overview._periods_label([]) == "Undated"


def test_parts_a_smaller_edition_no_longer_makes_are_removed(tmp_path, small_limits):
    site = tmp_path / "site"
    build_site([TEI_DIR], TEI_DIR / "register", site)
    assert (site / "index-2.html").exists()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(overview, "PAGE_DOCS", 1000)
        mp.setattr(overview, "LISTED", 1000)
        mp.setattr(overview, "CHRONO_ITEMS", 10**6)
        build_site([TEI_DIR], TEI_DIR / "register", site)
    assert sorted(p.name for p in site.glob("*.html")) == [
        "chronology.html", "index.html", "orgs.html", "persons.html", "places.html"]
    assert check_links(site, optional_prefixes=("pdf/",)) == []


def test_the_build_makes_the_same_parts_from_summaries_it_reads_back(tmp_path, small_limits):
    """The build keeps only page, title and date in memory and reads summaries back from its
    manifest for each overview part: the site must equal the one made from summaries in memory."""
    from tei_encoder.pipeline import render_html_parallel
    simple, built = tmp_path / "simple", tmp_path / "built"
    build_site([TEI_DIR], TEI_DIR / "register", simple)
    assert render_html_parallel([TEI_DIR], built, TEI_DIR / "register", jobs=1) == 0
    pages = sorted(p.relative_to(simple) for p in simple.rglob("*.html"))
    assert len([p for p in pages if p.name.startswith(("index-", "chronology-", "mentions-"))]) > 3
    assert pages == sorted(p.relative_to(built) for p in built.rglob("*.html"))
    assert [p for p in pages if (simple / p).read_bytes() != (built / p).read_bytes()] == []
