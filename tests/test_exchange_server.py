"""`tei-encoder serve` as a real uvicorn process on loopback, used by real clients:
httpx for DTS 1.0 (responses checked against the DTS community's JSON Schemas) and
Sickle for OAI-PMH 2.0 (every record in both formats, through resumption tokens)."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
import pytest
from lxml import etree

from exchange_support import LETTER_NAME, REF, Server, make_edition

SCHEMAS = REF / "dts" / "json-schemas"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
TEI = "{http://www.tei-c.org/ns/1.0}"
DTS_NS = "https://w3id.org/api/dts#"
DOC = "urn:tei-encoder:doc:002_adaeb2830212c886"
LETTER = f"urn:tei-encoder:doc:{LETTER_NAME}"
N_DOCS = 6


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return make_edition(tmp_path_factory.mktemp("exchange-edition") / "tei")


@pytest.fixture(scope="module")
def server(edition):
    # small pages so that DTS pagination and OAI resumption tokens are exercised
    s = Server(edition, "--oai-page-size", "2", "--page-size", "2").wait()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def validators():
    if not SCHEMAS.is_dir():
        pytest.skip(f"{SCHEMAS} not found")
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    schemas = {p.name: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in schemas.values()])
    return {name.split(".")[0]: Draft202012Validator(s, registry=registry,
                                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
            for name, s in schemas.items()}


def check(validators, kind, body):
    errors = sorted(validators[kind].iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


# ------------------------------------------------------------------------------------ DTS

def test_entry_endpoint(client, validators):
    r = client.get("/api/dts/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    body = r.json()
    check(validators, "entry_response", body)
    assert body["@type"] == "EntryPoint" and body["dtsVersion"] == "1.0"
    assert body["collection"].endswith("{?id,page,nav}")
    assert body["navigation"].endswith("{?resource,ref,start,end,down,tree,page}")
    assert body["document"].endswith("{?resource,ref,start,end,tree,mediaType}")


def test_collection_tree_reaches_every_document(client, validators):
    root = client.get("/api/dts/collection").json()
    check(validators, "collection_response", root)
    assert root["totalParents"] == 0 and root["totalChildren"] == 2
    seen, todo = set(), [m["@id"] for m in root["member"]]
    while todo:
        cid = todo.pop()
        page = 1
        while True:
            r = client.get("/api/dts/collection", params={"id": cid, "page": page})
            assert r.status_code == 200, r.text
            body = r.json()
            check(validators, "collection_response", body)
            for m in body["member"]:
                if m["@type"] == "Resource":
                    check(validators, "resource", m)
                    seen.add(m["@id"])
                else:
                    todo.append(m["@id"])
            if "view" not in body or "next" not in body["view"]:
                break
            page += 1
    assert len(seen) == N_DOCS and DOC in seen and LETTER in seen


def test_collection_pagination_and_parents(client, validators):
    body = client.get("/api/dts/collection", params={"id": "urn:tei-encoder:archives"}).json()
    assert body["totalChildren"] > 2 and len(body["member"]) == 2
    view = body["view"]
    assert view["@type"] == "Pagination" and "next" in view and "previous" not in view
    assert "page=1" in view["first"] and "last" in view
    last = client.get(view["last"].replace("/api/dts", "/api/dts", 1)).json()
    assert "next" not in last["view"] and "previous" in last["view"]
    parents = client.get("/api/dts/collection", params={"id": DOC, "nav": "parents"}).json()
    check(validators, "collection_response", parents)
    assert parents["@type"] == "Resource" and parents["totalParents"] == 2
    assert {m["@id"].split(":")[2] for m in parents["member"]} == {"archive", "year"}
    assert parents["dublinCore"]["date"] == "1962-04-02"
    assert parents["dublinCore"]["title"][0]["value"].startswith("Memorandum of Luncheon")


@pytest.mark.parametrize("params,status", [
    ({"id": "urn:tei-encoder:nope"}, 404),
    ({"nav": "sideways"}, 400),
    ({"page": "x"}, 400),
    ({"page": "0"}, 400),
    ({"id": "urn:tei-encoder:archives", "page": "999"}, 404),
])
def test_collection_errors(client, params, status):
    r = client.get("/api/dts/collection", params=params)
    assert r.status_code == status
    assert r.json()["statusCode"] == status and r.json()["@type"] == "Error"


def test_navigation_whole_tree_and_levels(client, validators):
    r = client.get("/api/dts/navigation", params={"resource": DOC, "down": -1})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    body = r.json()
    check(validators, "navigation_response", body)
    assert body["@id"].startswith("http://127.0.0.1") and "down=-1" in body["@id"]
    cs = body["resource"]["citationTrees"][0]["citeStructure"][0]
    assert cs["citeType"] == "div" and cs["citeStructure"][0]["citeType"] == "block"
    members = body["member"]
    assert members[0] == {"identifier": "document", "@type": "CitableUnit", "level": 1, "parent": None,
                          "citeType": "div"}
    blocks = [m for m in members if m["level"] == 2]
    assert blocks and all(m["parent"] == "document" and m["identifier"].startswith("document.") for m in blocks)
    top = client.get("/api/dts/navigation", params={"resource": DOC, "down": 1}).json()
    assert all(m["level"] == 1 for m in top["member"])


def test_navigation_ref_start_end(client, validators):
    one = client.get("/api/dts/navigation", params={"resource": DOC, "ref": "document.2"}).json()
    check(validators, "navigation_response", one)
    assert one["ref"]["identifier"] == "document.2" and "member" not in one
    sib = client.get("/api/dts/navigation", params={"resource": DOC, "ref": "document.2", "down": 0}).json()
    assert len(sib["member"]) > 2 and all(m["parent"] == "document" for m in sib["member"])
    kids = client.get("/api/dts/navigation", params={"resource": DOC, "ref": "document", "down": 1}).json()
    assert kids["ref"]["identifier"] == "document" and all(m["level"] == 2 for m in kids["member"])
    leaf = client.get("/api/dts/navigation", params={"resource": DOC, "ref": "document.3", "down": 1}).json()
    assert [m["identifier"] for m in leaf["member"]] == ["document.3"]
    rng = client.get("/api/dts/navigation", params={"resource": DOC, "start": "document.2", "end": "document.4",
                                                     "down": 0 + 1}).json()
    check(validators, "navigation_response", rng)
    assert [m["identifier"] for m in rng["member"]] == ["document.2", "document.3", "document.4"]
    assert rng["start"]["identifier"] == "document.2" and rng["end"]["identifier"] == "document.4"
    bare = client.get("/api/dts/navigation", params={"resource": DOC, "start": "document.2", "end": "document.4"}).json()
    assert "member" not in bare and bare["end"]["identifier"] == "document.4"


@pytest.mark.parametrize("params,status", [
    ({}, 400),
    ({"resource": DOC}, 400),
    ({"resource": DOC, "down": 0}, 400),
    ({"resource": DOC, "ref": "document.1", "start": "document.1", "end": "document.2"}, 400),
    ({"resource": DOC, "start": "document.1"}, 400),
    ({"resource": DOC, "down": "deep"}, 400),
    ({"resource": DOC, "start": "document.1", "end": "document.2", "down": 0}, 400),
    ({"resource": "urn:tei-encoder:doc:nope", "down": 1}, 404),
    ({"resource": DOC, "ref": "document.999"}, 404),
    ({"resource": DOC, "ref": "document.1", "tree": "pages"}, 404),
])
def test_navigation_errors(client, params, status):
    r = client.get("/api/dts/navigation", params=params)
    assert r.status_code == status, r.text
    assert r.json()["statusCode"] == status


def test_document_whole_and_passages(client, edition):
    r = client.get("/api/dts/document", params={"resource": DOC})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/tei+xml")
    assert r.content == (edition / "002_adaeb2830212c886.xml").read_bytes()
    assert 'rel="collection"' in r.headers["link"] and quote(DOC, safe=":") in r.headers["link"]

    p = client.get("/api/dts/document", params={"resource": DOC, "ref": "document.2"})
    root = etree.fromstring(p.content)
    assert root.tag == TEI + "TEI"
    wrapper = root.find(f"{TEI}text/{TEI}body/{{{DTS_NS}}}wrapper")
    assert wrapper is not None and [c.get("n") for c in wrapper] == ["2"]
    assert root.find(f"{TEI}teiHeader") is not None

    rng = client.get("/api/dts/document", params={"resource": DOC, "start": "document.2", "end": "document.4"})
    wrapper = etree.fromstring(rng.content).find(f"{TEI}text/{TEI}body/{{{DTS_NS}}}wrapper")
    assert [c.get("n") for c in wrapper] == ["2", "3", "4"]


@pytest.mark.parametrize("params,status", [
    ({}, 400),
    ({"resource": "urn:tei-encoder:doc:nope"}, 404),
    ({"resource": DOC, "ref": "document.999"}, 404),
    ({"resource": DOC, "ref": "document.1", "end": "document.2"}, 400),
    ({"resource": DOC, "start": "document.1"}, 400),
    ({"resource": DOC, "mediaType": "application/pdf"}, 404),
    ({"resource": DOC, "ref": "document.1", "tree": "pages"}, 404),
])
def test_document_errors(client, params, status):
    r = client.get("/api/dts/document", params=params)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/ld+json") and r.json()["statusCode"] == status


# ------------------------------------------------------------------------------------ exports

def test_exports_at_stable_urls(client):
    cmif = client.get("/exports/cmif.xml")
    assert cmif.status_code == 200 and b"correspDesc" in cmif.content
    assert client.get("/exports/register.csv").text.startswith("id,kind,preferred_name")
    assert client.get("/exports/register.jsonld").json()["@graph"]
    assert client.get("/exports/register/persons.xml").status_code == 200
    assert client.get("/exports/missing-authority-ids.csv").status_code == 200
    assert client.get("/exports/nothing.xml").status_code == 404


# ------------------------------------------------------------------------------------ OAI-PMH

def oai(client, **params):
    r = client.get("/oai", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    return etree.fromstring(r.content)


def test_oai_identify_formats_sets(server, client):
    from sickle import Sickle
    s = Sickle(server.url + "/oai")
    ident = s.Identify()
    assert ident.protocolVersion == "2.0" and ident.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert ident.baseURL == server.url + "/oai"
    assert {f.metadataPrefix for f in s.ListMetadataFormats()} == {"oai_dc", "tei"}
    specs = {x.setSpec for x in s.ListSets()}
    assert {"archive", "year", "year:1962", "archive:avprf"} <= specs


@pytest.mark.parametrize("prefix", ["oai_dc", "tei"])
def test_sickle_harvests_every_record_through_tokens(server, client, prefix):
    from sickle import Sickle
    first = oai(client, verb="ListRecords", metadataPrefix=prefix)
    token = first.find(f".//{OAI}resumptionToken")
    assert token is not None and token.text and token.get("completeListSize") == str(N_DOCS)
    records = list(Sickle(server.url + "/oai").ListRecords(metadataPrefix=prefix))
    ids = [r.header.identifier for r in records]
    assert len(ids) == N_DOCS == len(set(ids))
    for r in records:
        x = etree.fromstring(r.raw.encode())
        md = x.find(f"{OAI}metadata")
        if prefix == "oai_dc":
            assert r.metadata["title"][0] and r.metadata["type"] == ["Text"]
        else:
            assert md[0].tag == TEI + "teiHeader"
            assert md[0].find(f"{TEI}fileDesc/{TEI}titleStmt/{TEI}title") is not None


def test_oai_list_identifiers_get_record_sets_and_dates(server, client):
    from sickle import Sickle
    s = Sickle(server.url + "/oai")
    headers = list(s.ListIdentifiers(metadataPrefix="oai_dc"))
    assert len(headers) == N_DOCS
    stamps = sorted(h.datestamp for h in headers)
    rec = s.GetRecord(identifier=headers[0].identifier, metadataPrefix="tei")
    assert rec.header.identifier == headers[0].identifier
    year = list(s.ListIdentifiers(metadataPrefix="oai_dc", set="year:1962"))
    assert [h.identifier.rsplit(":", 1)[1] for h in year] == ["002_adaeb2830212c886"]
    lo, hi = stamps[1], stamps[-2]
    window = list(s.ListIdentifiers(**{"metadataPrefix": "oai_dc", "from": lo, "until": hi}))
    assert len(window) == sum(lo <= st <= hi for st in stamps) and 0 < len(window) < N_DOCS
    day = list(s.ListIdentifiers(**{"metadataPrefix": "oai_dc", "from": stamps[0][:10], "until": stamps[0][:10]}))
    assert len(day) == sum(st[:10] == stamps[0][:10] for st in stamps)


@pytest.mark.parametrize("params,code", [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "Identify", "set": "year"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2021-01-01T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": "oai:tei-encoder.edition:nope", "metadataPrefix": "oai_dc"},
     "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "oai:x:y"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "year:1066"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
])
def test_oai_errors(client, params, code):
    root = oai(client, **params)
    err = root.find(f"{OAI}error")
    assert err is not None and err.get("code") == code, etree.tostring(root)


def test_oai_repeated_argument_and_post(server, client):
    r = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=tei")
    assert etree.fromstring(r.content).find(f"{OAI}error").get("code") == "badArgument"
    p = client.post("/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert etree.fromstring(p.content).find(f"{OAI}ListIdentifiers") is not None


# ------------------------------------------------------------------------------------ load

def test_fifty_concurrent_clients(server):
    """50 clients at once, each a mix of collection, navigation, passage, document and OAI requests."""
    paths = [
        ("/api/dts/collection", {"id": "urn:tei-encoder:dates"}),
        ("/api/dts/navigation", {"resource": DOC, "down": -1}),
        ("/api/dts/document", {"resource": DOC, "ref": "document.3"}),
        ("/api/dts/document", {"resource": DOC, "start": "document.2", "end": "document.5"}),
        ("/api/dts/document", {"resource": LETTER}),
        ("/oai", {"verb": "ListRecords", "metadataPrefix": "tei"}),
    ]

    def one_client(i):
        bad = []
        with httpx.Client(base_url=server.url, timeout=60) as c:
            for k in range(len(paths)):
                path, params = paths[(i + k) % len(paths)]
                r = c.get(path, params=params)
                if r.status_code != 200 or not r.content:
                    bad.append((path, r.status_code))
        return bad

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(one_client, range(50)))
    assert [b for b in results if b] == []
    assert server.proc.poll() is None
