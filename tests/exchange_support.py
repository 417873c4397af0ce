"""Helpers for the exchange tests: a test edition in a temp folder and a real `tei-encoder serve` process."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REF = SHARED / "reference"
TEI_NS = "http://www.tei-c.org/ns/1.0"

# a letter whose correspDesc carries register refs (the writer is adding them; this one is made by hand)
LETTER_NAME = "900_test_letter"
LETTER_CORRESP = f"""<correspDesc xmlns="{TEI_NS}">
  <correspAction type="sent">
    <persName ref="register/persons.xml#pol-pot">Pol Pot</persName>
    <placeName ref="register/places.xml#moscow">Moscow</placeName>
    <date when="1977-05-01"/>
  </correspAction>
  <correspAction type="received">
    <orgName>Central Committee</orgName>
  </correspAction>
</correspDesc>"""

DAY = 86400
BASE_TIME = 1577836800  # 2020-01-01T00:00:00Z


def make_edition(dest: Path) -> Path:
    """Copies of tei/*.xml and tei/register plus one letter with refs; file i changed on 2020-01-(i+1)."""
    dest.mkdir(parents=True, exist_ok=True)
    sources = sorted((ROOT / "tei").glob("*.xml"))
    for src in sources:
        shutil.copy(src, dest / src.name)
    shutil.copytree(ROOT / "tei" / "register", dest / "register")
    tree = etree.parse(str(sources[0]))
    root = tree.getroot()
    root.set("{http://www.w3.org/XML/1998/namespace}id", "doc-" + LETTER_NAME)
    pd = root.find(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}profileDesc")
    for old in pd.findall(f"{{{TEI_NS}}}correspDesc"):
        pd.remove(old)
    pd.append(etree.fromstring(LETTER_CORRESP))
    tree.write(str(dest / f"{LETTER_NAME}.xml"), xml_declaration=True, encoding="UTF-8")
    for i, p in enumerate(sorted(dest.glob("*.xml"))):
        os.utime(p, (BASE_TIME + i * DAY, BASE_TIME + i * DAY))
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`tei-encoder serve` in its own process on a free loopback port."""

    def __init__(self, edition: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-c", "from tei_encoder.cli import main; main()", "serve", str(edition),
               "--host", "127.0.0.1", "--port", str(self.port), *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 60) -> "Server":
        import httpx
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.proc.stdout.read().decode(errors="replace"))
            try:
                if httpx.get(self.url + "/api/dts/", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
