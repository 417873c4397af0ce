"""The HTML edition in a real browser: Debian's chromium driven by Playwright.

CI installs chromium (.ci/run); the browser Playwright would download is never
used (executable_path points at /usr/bin/chromium). The tests check that the
index lists every document, that a person link leads to the register entry that
lists the document, that the filters work, that name popups open on keyboard
focus, that the orig/reg switch works, that narrow screens need no sideways
scrolling, and that no page logs a console error. Screenshots go to
test-artifacts/ (gitignored; CI can keep them).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from site_helpers import ARTIFACTS, built_site, tei_files

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
    pytest.skip(f"chromium is not installed ({CHROMIUM}); .ci/run installs it with apt-get", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def site():
    out, report = built_site()
    assert report.errors == []
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        b = p.chromium.launch(executable_path=exe, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    pg = ctx.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url}"))
    # offline: any request that leaves the site is a failure
    pg.route("http*://**", lambda route: (pg.problems.append(f"network request: {route.request.url}"), route.abort()))
    yield pg
    ctx.close()


def url(site: Path, rel: str) -> str:
    return (site / rel).resolve().as_uri()


def shot(pg, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def visible_items(pg) -> list[str]:
    return pg.eval_on_selector_all("#doc-list > li", "els => els.filter(e => !e.hidden).map(e => e.querySelector('h2 a').getAttribute('href'))")


def test_index_lists_every_document(site, page):
    page.goto(url(site, "index.html"))
    assert page.locator("#filters").is_visible(), "the script shows the filters"
    hrefs = visible_items(page)
    assert sorted(hrefs) == sorted(f"doc/{f.stem}.html" for f in tei_files())
    assert page.locator("#doc-count").inner_text().strip() == f"{len(hrefs)} documents"
    shot(page, "index")
    assert page.problems == []


def test_person_link_leads_to_the_entry_listing_the_document(site, page):
    for f in tei_files():
        page.goto(url(site, f"doc/{f.stem}.html"))
        links = page.locator(".text a.name.person")
        if links.count():
            break
    else:
        pytest.skip("no person in tei/ is linked to the register yet")
    link = links.first
    entry_id = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"persons.html#{entry_id}")
    entry = page.locator(f"[id='{entry_id}']")
    assert entry.is_visible()
    assert entry.locator(f"a[href='doc/{f.stem}.html']").count() == 1
    assert entry.evaluate("e => e.matches(':target')")
    shot(page, "persons-entry")
    # and back to the document from the entry
    entry.locator(f"a[href='doc/{f.stem}.html']").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"doc/{f.stem}.html")
    assert page.problems == []


def test_filters_by_year_archive_and_person(site, page):
    page.goto(url(site, "index.html"))
    total = len(tei_files())
    years = page.eval_on_selector_all("#f-year option", "os => os.map(o => o.value).filter(Boolean)")
    assert years
    for y in years:
        page.select_option("#f-year", y)
        shown = page.eval_on_selector_all("#doc-list > li", "els => els.filter(e => !e.hidden).map(e => e.dataset.year)")
        assert shown and set(shown) == {y}
        assert page.locator("#doc-count").inner_text().strip() == f"{len(shown)} of {total} documents" or len(shown) == total
    page.select_option("#f-year", "")
    archives = page.eval_on_selector_all("#f-archive option", "os => os.map(o => o.value).filter(Boolean)")
    for a in archives:
        page.select_option("#f-archive", a)
        shown = page.eval_on_selector_all("#doc-list > li", "els => els.filter(e => !e.hidden).map(e => e.dataset.archive)")
        assert shown and set(shown) == {a}
    page.select_option("#f-archive", "")
    persons = page.eval_on_selector_all("#f-person option", "os => os.map(o => o.value).filter(Boolean)")
    for pid in persons[:10]:
        page.select_option("#f-person", pid)
        shown = page.eval_on_selector_all("#doc-list > li", "els => els.filter(e => !e.hidden).map(e => e.dataset.persons)")
        assert shown and all(pid in p.split() for p in shown)
    if persons:
        shot(page, "index-filtered")
    # a combination nothing matches shows the notice; "Show all" restores everything
    if len(years) > 1 and persons:
        page.select_option("#f-year", years[0])
        for pid in persons:
            page.select_option("#f-person", pid)
            if not visible_items(page):
                assert page.locator("#no-results").is_visible()
                break
    page.click("button.reset")
    page.wait_for_function("document.querySelectorAll('#doc-list > li:not([hidden])').length === %d" % total)
    assert len(visible_items(page)) == total
    assert page.problems == []


def test_filter_state_in_the_url(site, page):
    page.goto(url(site, "index.html"))
    y = page.eval_on_selector_all("#f-year option", "os => os.map(o => o.value).filter(Boolean)")[0]
    page.goto(url(site, "index.html") + f"#year={y}")
    page.reload()
    assert page.input_value("#f-year") == y
    assert all(v == y for v in page.eval_on_selector_all(
        "#doc-list > li", "els => els.filter(e => !e.hidden).map(e => e.dataset.year)"))


def test_name_popup_opens_on_keyboard_focus(site, page):
    for f in tei_files():
        page.goto(url(site, f"doc/{f.stem}.html"))
        if page.locator(".text a.name").count():
            break
    else:
        pytest.skip("no linked names in tei/ yet")
    link = page.locator(".text a.name").first
    tip = page.locator("#" + link.get_attribute("aria-describedby"))
    assert not tip.is_visible()
    # reach it with the keyboard
    page.locator("body").focus()
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.matches('.text a.name')"):
            break
    else:
        pytest.fail("no name link reachable with Tab")
    active_tip = page.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby')).id")
    assert page.locator("#" + active_tip).is_visible()
    shot(page, "name-popup")
    page.keyboard.press("Escape")
    assert not page.locator("#" + active_tip).is_visible()
    # focus is visible (outline) on the focused link
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    link.hover()
    assert tip.is_visible()


def test_orig_reg_switch_and_damaged_block(site, page):
    seen_choice = seen_damage = False
    for f in tei_files():
        page.goto(url(site, f"doc/{f.stem}.html"))
        if page.locator(".text .choice").count():
            seen_choice = True
            orig, reg = page.locator(".text .choice .orig").first, page.locator(".text .choice .reg").first
            assert orig.is_visible() and not reg.is_visible()
            btn = page.locator("button.toggle-reg")
            btn.click()
            assert btn.get_attribute("aria-pressed") == "true"
            assert reg.is_visible() and not orig.is_visible()
            btn.click()
            assert orig.is_visible()
        if page.locator("details.damaged").count():
            seen_damage = True
            d = page.locator("details.damaged").first
            assert d.get_attribute("open") is None
            body = d.locator("p").last
            assert not body.is_visible()
            d.locator("summary").click()
            assert body.is_visible()
            shot(page, f"damaged-{f.stem}")
        assert page.problems == [], f.name
    assert seen_choice and seen_damage


def test_no_console_errors_on_any_page(site, page):
    pages = sorted(site.rglob("*.html"))
    assert pages
    for p in pages:
        page.goto(p.resolve().as_uri())
        page.wait_for_load_state("load")
        assert page.problems == [], f"{p.relative_to(site)}: {page.problems}"
    page.goto(url(site, f"doc/{tei_files()[0].stem}.html"))
    shot(page, "document", full_page=True)


def test_narrow_screens_need_no_sideways_scrolling(site, browser):
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    pg = ctx.new_page()
    try:
        for rel in ["index.html", "persons.html", "chronology.html"] + [f"doc/{f.stem}.html" for f in tei_files()]:
            pg.goto(url(site, rel))
            over = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert over <= 1, f"{rel} is {over}px wider than the screen"
        # name popups open inside the window, also for names at the right edge
        for f in tei_files():
            pg.goto(url(site, f"doc/{f.stem}.html"))
            links = pg.locator(".text a.name")
            for i in range(min(links.count(), 40)):
                link = links.nth(i)
                link.focus()
                tip = pg.locator("#" + link.get_attribute("aria-describedby"))
                box = tip.bounding_box()
                assert box and box["x"] >= -1 and box["x"] + box["width"] <= 361, (f.name, i, box)
        pg.goto(url(site, f"doc/{tei_files()[0].stem}.html"))
        shot(pg, "document-mobile")
    finally:
        ctx.close()


CONTRAST_JS = """
() => {
  function rgb(s) { const m = s.match(/[\\d.]+/g); return m ? m.map(Number) : [0,0,0,0]; }
  function lum(c) { const a = c.slice(0,3).map(v => { v /= 255; return v <= 0.03928 ? v/12.92 : Math.pow((v+0.055)/1.055, 2.4); });
                    return 0.2126*a[0] + 0.7152*a[1] + 0.0722*a[2]; }
  function bg(el) { while (el) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.length < 4 || c[3] > 0.9) return c; el = el.parentElement; }
                    return [255,255,255]; }
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!el.offsetParent && el.tagName !== 'BODY') continue;
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden') continue;
    const L1 = lum(rgb(st.color)), L2 = lum(bg(el));
    const ratio = (Math.max(L1, L2) + 0.05) / (Math.min(L1, L2) + 0.05);
    const large = parseFloat(st.fontSize) >= 24 || (parseFloat(st.fontSize) >= 18.66 && parseInt(st.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) bad.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2));
  }
  return bad.slice(0, 10);
}
"""


def test_text_contrast_meets_wcag_aa(site, page):
    for rel in ["index.html", "persons.html", "chronology.html", f"doc/{tei_files()[-1].stem}.html"]:
        page.goto(url(site, rel))
        assert page.evaluate(CONTRAST_JS) == [], rel
