"""The document model that readers produce and writers consume.

Readers know page layouts and nothing of TEI; writers know TEI and nothing of
layouts. This module is the contract between them (pandoc's AST, in small).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of body block, in the order they usually appear in a document.
BLOCK_KINDS = (
    "letterhead",   # issuing office, archival signature line, classification
    "head",         # the document's own heading ("TELEGRAM 057.139")
    "dateline",     # "Pyongyang, 30 August 1960"
    "memo",         # one memo-header field: To/From/Subject/Date (label set)
    "salutation",   # "My dear Bhai,"
    "p",            # running text
    "signed",       # signature line(s): "(I. Vinogradov)", "Ambassador Gheorghe Badrus"
    "closer-dateline",  # a dateline after the text ("Moscow 2 April 1962")
    "closer-salute",    # "With comradely greetings"
    "postscript",   # distribution lists, file notes, reference numbers after the signature
)


@dataclass
class Block:
    kind: str
    text: str
    line: int                    # 1-based line of the source where the block starts
    label: str | None = None     # memo field label, e.g. "To"


@dataclass
class Dropped:
    """Something of the page that is not text of the document (furniture, artifact)."""
    line: int
    text: str
    reason: str


@dataclass
class Section:
    """A second-language block of the page (e.g. "Korean HTML")."""
    lang: str                    # BCP 47 code, e.g. "ko"
    label: str                   # as the page names it
    blocks: list[Block]
    damaged: bool                # text damaged beyond repair: kept verbatim, never tagged


@dataclass
class Signature:
    """An archival citation split into its parts."""
    repository: str | None = None
    collections: list[str] = field(default_factory=list)
    idnos: list[tuple[str, str]] = field(default_factory=list)   # (type, value)
    folios: tuple[str, str] | None = None                        # (from, to)
    folio_text: str | None = None                                # as written: "listy 81-83"


@dataclass
class Source:
    """One transcript, as a reader understood it."""
    name: str                    # file stem, e.g. "000_daf40f914c803129"
    path: str
    sha256: str
    title: str | None = None
    date_text: str | None = None         # the archive's date as written
    date_iso: str | None = None          # ISO 8601, precision kept
    summary: str | None = None
    citation: str | None = None          # as written
    signature: Signature = field(default_factory=Signature)
    extra_locations: list[Signature] = field(default_factory=list)   # a second archive cited
    translators: list[str] = field(default_factory=list)
    obtainers: list[str] = field(default_factory=list)
    funder: str | None = None
    credit: str | None = None                # the credit line as written ("This document was made possible …")
    original_language: str | None = None     # language name as written, e.g. "Romanian"
    classification: str | None = None        # "Top Secret", "Secret"
    source_url: str | None = None
    record_id: str | None = None
    rights: str | None = None
    notes: list[str] = field(default_factory=list)   # other page text about the document
    authors: list[str] = field(default_factory=list)  # the page's "Author(s):" list
    keywords: list[tuple[str, str]] = field(default_factory=list)   # (kind, term): the page's associated places/people/topics
    original_archive: str | None = None      # the page's "Original Archive" field
    body: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    layout: str = "unknown"              # which page layout the reader recognised
