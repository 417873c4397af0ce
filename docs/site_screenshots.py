#!/usr/bin/env python3
"""Regenerate docs/site-document.png and docs/site-persons.png from tei/ (needs /usr/bin/chromium).

    .venv/bin/python docs/site_screenshots.py [DOCUMENT-NAME]
"""
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tei_encoder.site import build_site

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

with tempfile.TemporaryDirectory() as tmp:
    site = Path(tmp) / "site"
    build_site([ROOT / "tei"], ROOT / "tei" / "register", site)
    name = sys.argv[1] if len(sys.argv) > 1 else "003_a4b08fbea8f5b1e8"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        pg = b.new_page(viewport={"width": 1000, "height": 1500})
        pg.goto((site / "doc" / f"{name}.html").as_uri())
        link = pg.locator(".text a.name.person").first
        if link.count():
            link.focus()  # show a name popup
            pg.evaluate("window.scrollTo(0, 0)")
        pg.screenshot(path=str(ROOT / "docs" / "site-document.png"))
        pg.goto((site / "persons.html").as_uri() + "#kim-il-sung")
        pg.set_viewport_size({"width": 1000, "height": 1200})
        pg.goto((site / "persons.html").as_uri())
        pg.screenshot(path=str(ROOT / "docs" / "site-persons.png"))
        b.close()
print("wrote docs/site-document.png, docs/site-persons.png")
