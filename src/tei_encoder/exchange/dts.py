"""Distributed Text Services (DTS) 1.0: Entry, Collection, Navigation, Document.

Pure functions over an :class:`~.edition.Edition`: each takes the query
parameters and returns ``(status, body, content_type, headers)``, so the same
code answers the live server and writes the static copies into the site.

Collections: the root (the edition) has two children, "archives" (one
collection per ``msIdentifier/repository``) and "dates" (one collection per
decade, each with one per year). Every document is a Resource with two
parents, its archive and its year. The citation tree is the one the header
declares in ``refsDecl/citeStructure`` (division, then block; delim ".").
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from .edition import Document, Edition, slug

CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_NS = "https://w3id.org/api/dts#"
TEI_NS = "http://www.tei-c.org/ns/1.0"
VERSION = "1.0"
TEI_MEDIA = "application/tei+xml"
MEDIA_TYPES = (TEI_MEDIA, "application/xml")
JSONLD = "application/ld+json"


class DTSError(Exception):
    def __init__(self, status: int, title: str, description: str):
        super().__init__(description)
        self.status, self.title, self.description = status, title, description


def error_body(status: int, title: str, description: str) -> dict:
    return {"@context": CONTEXT, "@type": "Error", "statusCode": status, "title": title,
            "description": description, "dtsVersion": VERSION}


def q(value: str) -> str:
    return quote(value, safe=":")


@dataclass
class Node:
    id: str
    title: str
    description: str
    children: list  # ids of child collections or Documents
    parents: list  # ids of parent collections
    dublin_core: dict


class DTS:
    def __init__(self, edition: Edition, *, prefix: str = "/api/dts", id_base: str = "urn:tei-encoder:",
                 page_size: int = 100, nav_page_size: int = 500, title: str = "tei-encoder edition"):
        self.ed = edition
        self.prefix = prefix.rstrip("/")
        self.base = id_base
        self.page_size = page_size
        self.nav_page_size = nav_page_size
        self.root_id = id_base + "edition"
        self.nodes: dict[str, Node] = {}
        self.docs: dict[str, Document] = {}
        self.doc_parents: dict[str, list[str]] = {}
        self._build(title)
        self._resource_cache: dict[str, dict] = {}
        self._member_cache: dict[str, dict] = {}

    # ----------------------------------------------------------------- ids and templates
    def doc_id(self, d: Document) -> str:
        return f"{self.base}doc:{d.name}"

    def templates(self) -> dict:
        return {"collection": f"{self.prefix}/collection{{?id,page,nav}}",
                "navigation": f"{self.prefix}/navigation{{?resource,ref,start,end,down,tree,page}}",
                "document": f"{self.prefix}/document{{?resource,ref,start,end,tree,mediaType}}"}

    def _build(self, title: str) -> None:
        archives = self.ed.archives()
        years = self.ed.years()
        arch_root, dates_root = self.base + "archives", self.base + "dates"
        self.nodes[self.root_id] = Node(self.root_id, title, "All documents of the edition, by archive and by date.",
                                        [arch_root, dates_root], [], {"title": [{"lang": "en", "value": title}]})
        arch_ids = []
        for name, docs in archives.items():
            cid = f"{self.base}archive:{slug(name)}"
            arch_ids.append(cid)
            self.nodes[cid] = Node(cid, name, f"Documents held by {name}.", [self.doc_id(d) for d in docs], [arch_root],
                                   {"title": [{"lang": "en", "value": name}], "publisher": [name]})
            for d in docs:
                self.doc_parents.setdefault(self.doc_id(d), []).append(cid)
        self.nodes[arch_root] = Node(arch_root, "Documents by archive", "One collection per holding archive.",
                                     arch_ids, [self.root_id], {})
        decades: dict[str, list[str]] = {}
        for year, docs in years.items():
            dec = docs[0].decade
            yid = f"{self.base}year:{year}"
            did = f"{self.base}decade:{dec}"
            decades.setdefault(did, []).append(yid)
            self.nodes[yid] = Node(yid, f"Documents of {year}" if year != "undated" else "Undated documents",
                                   "", [self.doc_id(d) for d in docs], [did],
                                   {"coverage": [year]} if year != "undated" else {})
            for d in docs:
                self.doc_parents.setdefault(self.doc_id(d), []).append(yid)
        for did, yids in decades.items():
            dec = did.rsplit(":", 1)[1]
            self.nodes[did] = Node(did, f"Documents of the {dec}" if dec != "undated" else "Undated documents", "",
                                   yids, [dates_root], {"coverage": [dec]} if dec != "undated" else {})
        self.nodes[dates_root] = Node(dates_root, "Documents by date", "One collection per decade, then per year.",
                                      list(decades), [self.root_id], {})
        for d in self.ed.documents:
            self.docs[self.doc_id(d)] = d

    # ----------------------------------------------------------------- objects
    def _collection_obj(self, node: Node, full: bool) -> dict:
        o = {"@id": node.id, "@type": "Collection", "title": node.title,
             "totalParents": len(node.parents), "totalChildren": len(node.children),
             "collection": f"{self.prefix}/collection?id={q(node.id)}{{&page,nav}}"}
        if node.description:
            o["description"] = node.description
        if node.dublin_core:
            o["dublinCore"] = node.dublin_core
        return o

    def dublin_core(self, d: Document) -> dict:
        dc: dict = {"title": [{"lang": d.text_lang or "en", "value": d.title}], "type": ["Text"]}
        if d.abstract:
            dc["description"] = [{"lang": d.text_lang or "en", "value": d.abstract}]
        if d.date:
            dc["date"] = d.date
        langs = list(dict.fromkeys([d.text_lang] + d.languages)) if d.text_lang else d.languages
        if langs:
            dc["language"] = langs
        if d.citation:
            dc["source"] = [d.citation]
        ids = [v for _, v in d.pub_idnos] + [f"{t} {v}".strip() for t, v in d.idnos]
        if ids:
            dc["identifier"] = ids
        contributors = [n for _, n in d.contributors]
        if contributors:
            dc["contributor"] = list(dict.fromkeys(contributors))
        if d.rights:
            dc["rights"] = [{"lang": "en", "value": d.rights}]
        if d.archive:
            dc["publisher"] = [d.archive]
        return dc

    def citation_trees(self, d: Document) -> list:
        if not d.cite_structure:
            return []
        return [{"@type": "CitationTree", "citeStructure": d.cite_structure}]

    def resource_obj(self, d: Document) -> dict:
        rid = self.doc_id(d)
        cached = self._resource_cache.get(rid)
        if cached is None:
            cached = {"@id": rid, "@type": "Resource", "title": d.title,
                      "totalParents": len(self.doc_parents.get(rid, [])), "totalChildren": 0,
                      "collection": f"{self.prefix}/collection?id={q(rid)}{{&page,nav}}",
                      "navigation": f"{self.prefix}/navigation?resource={q(rid)}{{&ref,down,start,end,tree,page}}",
                      "document": f"{self.prefix}/document?resource={q(rid)}{{&ref,start,end,tree,mediaType}}",
                      "citationTrees": self.citation_trees(d), "mediaTypes": list(MEDIA_TYPES),
                      "dublinCore": self.dublin_core(d)}
            if d.abstract:
                cached["description"] = d.abstract
            self._resource_cache[rid] = cached
        return cached

    def member_obj(self, mid: str) -> dict:
        if mid in self.docs:
            return self.resource_obj(self.docs[mid])
        return self._collection_obj(self.nodes[mid], False)

    # ----------------------------------------------------------------- endpoints
    def entry(self) -> dict:
        return {"@context": CONTEXT, "@id": self.prefix + "/", "@type": "EntryPoint", "dtsVersion": VERSION,
                **self.templates()}

    @staticmethod
    def _int(name: str, value, *, minimum: int) -> int:
        try:
            v = int(value)
        except (TypeError, ValueError):
            raise DTSError(400, "Bad Request", f"'{name}' must be an integer, not {value!r}")
        if v < minimum:
            raise DTSError(400, "Bad Request", f"'{name}' must be at least {minimum}, not {v}")
        return v

    def _paginate(self, items: list, page, size: int, url_of) -> tuple[list, dict | None]:
        if page is None and len(items) <= size:
            return items, None
        p = 1 if page is None else self._int("page", page, minimum=1)
        last = max(1, math.ceil(len(items) / size))
        if p > last:
            raise DTSError(404, "Not Found", f"page {p} does not exist; the last page is {last}")
        view = {"@id": url_of(p), "@type": "Pagination", "first": url_of(1), "last": url_of(last)}
        if p > 1:
            view["previous"] = url_of(p - 1)
        if p < last:
            view["next"] = url_of(p + 1)
        return items[(p - 1) * size: p * size], view

    def collection(self, params: dict) -> dict:
        cid = params.get("id") or self.root_id
        nav = params.get("nav") or "children"
        if nav not in ("children", "parents"):
            raise DTSError(400, "Bad Request", f"'nav' must be 'children' or 'parents', not {nav!r}")
        if cid in self.docs:
            obj = dict(self.resource_obj(self.docs[cid]))
            member_ids = self.doc_parents.get(cid, []) if nav == "parents" else []
        elif cid in self.nodes:
            node = self.nodes[cid]
            obj = self._collection_obj(node, True)
            member_ids = node.parents if nav == "parents" else node.children
        else:
            raise DTSError(404, "Not Found", f"no collection or resource with id {cid!r}")

        def url_of(p):
            query = {"id": cid, "page": p}
            if nav != "children":
                query["nav"] = nav
            return f"{self.prefix}/collection?{urlencode(query, safe=':')}"

        page_ids, view = self._paginate(member_ids, params.get("page"), self.page_size, url_of)
        out = {"@context": CONTEXT, "dtsVersion": VERSION, **obj}
        out["member"] = [self.member_obj(m) for m in page_ids]
        if view:
            out["view"] = view
        return out

    def _resource(self, params: dict) -> Document:
        rid = params.get("resource")
        if not rid:
            raise DTSError(400, "Bad Request", "the 'resource' parameter is required")
        d = self.docs.get(rid)
        if d is None:
            raise DTSError(404, "Not Found", f"no resource with id {rid!r}")
        tree = params.get("tree")
        if tree is not None:
            raise DTSError(404, "Not Found", f"resource {rid!r} has only its default citation tree, no tree {tree!r}")
        return d

    def _unit(self, d: Document, ident: str, name: str) -> int:
        i = d.unit_index.get(ident)
        if i is None:
            raise DTSError(404, "Not Found", f"'{name}' {ident!r} is not in the citation tree of {self.doc_id(d)!r}")
        return i

    @staticmethod
    def unit_obj(u) -> dict:
        o = {"identifier": u.identifier, "@type": "CitableUnit", "level": u.level, "parent": u.parent,
             "citeType": u.cite_type}
        if u.title:
            o["dublinCore"] = {"title": [{"lang": "en", "value": u.title}]}
        return o

    def _range(self, params, d) -> tuple[int | None, int | None, int | None]:
        ref, start, end = params.get("ref"), params.get("start"), params.get("end")
        if ref is not None and (start is not None or end is not None):
            raise DTSError(400, "Bad Request", "'ref' cannot be combined with 'start' or 'end'")
        if (start is None) != (end is None):
            raise DTSError(400, "Bad Request", "'start' and 'end' must be given together")
        r = self._unit(d, ref, "ref") if ref is not None else None
        s = self._unit(d, start, "start") if start is not None else None
        e = self._unit(d, end, "end") if end is not None else None
        if s is not None and e is not None and s > e:
            raise DTSError(400, "Bad Request", f"'start' {start!r} comes after 'end' {end!r} in the document")
        return r, s, e

    def navigation(self, params: dict, request_url: str) -> dict:
        d = self._resource(params)
        r, s, e = self._range(params, d)
        down = params.get("down")
        if down is not None:
            down = self._int("down", down, minimum=-1)
        units = d.units
        out = {"@context": CONTEXT, "dtsVersion": VERSION, "@type": "Navigation", "@id": request_url,
               "resource": self.resource_obj(d)}
        if r is None and s is None and down is None:
            raise DTSError(400, "Bad Request", "give 'ref', 'start' and 'end', or 'down'")
        if down == 0 and r is None:
            raise DTSError(400, "Bad Request", "'down=0' needs 'ref'")
        members = None
        if r is not None:
            u = units[r]
            out["ref"] = self.unit_obj(u)
            if down == 0:
                members = [x for x in units if x.parent == u.parent and x.level == u.level]
            elif down is not None:
                limit = math.inf if down == -1 else u.level + down
                members = [x for x in units[r + 1: u.last_desc + 1] if x.level <= limit]
                if not members:
                    members = [u]
        elif s is not None:
            out["start"] = self.unit_obj(units[s])
            out["end"] = self.unit_obj(units[e])
            if down is not None:
                deepest = max(units[s].level, units[e].level)
                limit = math.inf if down == -1 else deepest + down
                last = max(units[e].last_desc, e)
                members = [x for x in units[s: last + 1] if x.level <= limit]
        else:
            limit = math.inf if down == -1 else down
            members = [x for x in units if x.level <= limit]
        if members is not None:
            def url_of(p):
                keys = ("resource", "ref", "start", "end", "down", "tree")
                query = {k: params[k] for k in keys if params.get(k) is not None}
                query["page"] = p
                return f"{self.prefix}/navigation?{urlencode(query, safe=':')}"
            page, view = self._paginate(members, params.get("page"), self.nav_page_size, url_of)
            out["member"] = [self.unit_obj(x) for x in page]
            if view:
                out["view"] = view
        return out

    def document(self, params: dict) -> tuple[bytes, str, dict]:
        d = self._resource(params)
        media = params.get("mediaType") or TEI_MEDIA
        if media not in MEDIA_TYPES:
            raise DTSError(404, "Not Found", f"media type {media!r} is not available; use one of {', '.join(MEDIA_TYPES)}")
        r, s, e = self._range(params, d)
        headers = {"Link": f'<{self.prefix}/collection?id={q(self.doc_id(d))}>; rel="collection"'}
        if r is None and s is None:
            return d.data, media, headers
        units = d.units
        if r is not None:
            chosen = [units[r]]
            attrs = f' ref="{_attr(units[r].identifier)}"'
        else:
            chosen, inside = [], set()
            for u in units[s: max(units[e].last_desc, e) + 1]:
                if u.parent not in inside:  # outermost units only: the others are inside them
                    chosen.append(u)
                inside.add(u.identifier)
            attrs = f' start="{_attr(units[s].identifier)}" end="{_attr(units[e].identifier)}"'
        body = "".join(u.xml for u in chosen)
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI_NS}">{d.header_xml}'
               f'<text><body><dts:wrapper xmlns:dts="{DTS_NS}"{attrs}>{body}</dts:wrapper></body></text></TEI>\n')
        return xml.encode("utf-8"), media, headers


def _attr(v: str) -> str:
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
