"""Register exports: TEI (as kept), CSV for OpenRefine, schema.org JSON-LD, missing-authority report.

CSV: one row per entry; every authority id in its own column (wikidata, viaf,
gnd, geonames) and also as a URI column, variants joined with `` | ``.
JSON-LD: ``schema:Person``/``Place``/``Organization`` with ``name``,
``alternateName``, ``description``, ``identifier`` and ``sameAs`` (authority
URIs); the context is inline, so no client needs the network to read it.
"""
from __future__ import annotations

import csv
import io
import json

from .edition import AUTHORITY_TYPES, REGISTER_FILES, Edition, Register

SCHEMA_TYPE = {"person": "Person", "place": "Place", "org": "Organization"}
CSV_COLUMNS = ["id", "kind", "preferred_name", "variants", *AUTHORITY_TYPES,
               *(f"{a}_uri" for a in AUTHORITY_TYPES), "description", "status", "register_file"]
FORMATS = ("tei", "csv", "jsonld")


def to_csv(reg: Register) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for e in reg.entries.values():
        row = {"id": e.id, "kind": e.kind, "preferred_name": e.preferred, "variants": " | ".join(e.variants),
               "description": e.description, "status": "provisional" if e.provisional else "",
               "register_file": e.file}
        for a in AUTHORITY_TYPES:
            row[a] = e.authority.get(a, "")
            row[f"{a}_uri"] = dict(zip(
                [k for k in AUTHORITY_TYPES if k in e.authority], e.authority_uris)).get(a, "")
        w.writerow(row)
    return buf.getvalue().encode("utf-8")


def to_jsonld(reg: Register, base: str = "urn:tei-encoder:register:") -> bytes:
    context = {"@vocab": "https://schema.org/", "schema": "https://schema.org/",
               "sameAs": {"@id": "https://schema.org/sameAs", "@type": "@id"},
               "alternateName": {"@id": "https://schema.org/alternateName", "@container": "@set"}}
    graph = []
    for e in reg.entries.values():
        node = {"@id": f"{base}{e.id}", "@type": SCHEMA_TYPE[e.kind], "name": e.preferred, "identifier": e.id}
        if e.variants:
            node["alternateName"] = e.variants
        if e.description:
            node["description"] = e.description
        if e.authority_uris:
            node["sameAs"] = e.authority_uris
        graph.append(node)
    return (json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def missing_authority(reg: Register) -> list:
    return [e for e in reg.entries.values() if not e.authority]


def missing_report_csv(reg: Register) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "kind", "preferred_name", "status", "register_file"])
    for e in missing_authority(reg):
        w.writerow([e.id, e.kind, e.preferred, "provisional" if e.provisional else "", e.file])
    return buf.getvalue().encode("utf-8")


def export_files(edition: Edition, formats=FORMATS) -> dict[str, bytes]:
    """File name (relative to the output folder) -> bytes, for the requested formats and the report."""
    reg = edition.register
    out: dict[str, bytes] = {}
    if "tei" in formats:
        for fname in REGISTER_FILES.values():
            if fname in reg.files:
                out[fname] = reg.files[fname]
    if "csv" in formats:
        out["register.csv"] = to_csv(reg)
    if "jsonld" in formats:
        out["register.jsonld"] = to_jsonld(reg)
    out["missing-authority-ids.csv"] = missing_report_csv(reg)
    return out
