"""OAI-PMH 2.0 repository over the edition: six verbs, oai_dc and the full TEI header.

Sets: ``archive`` and ``archive:<slug>`` per holding archive, ``year`` and
``year:<YYYY>`` per year of the document's date. Datestamps are each record's
last change (the latest ``revisionDesc/change/@when``, else the file's
modification time), at seconds granularity in UTC. Resumption tokens are
stateless (the request's arguments and the cursor, encoded) and carry the
edition's fingerprint, so a token from before a reload is refused with
``badResumptionToken`` instead of silently skipping records.
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import re
from xml.sax.saxutils import escape

from .edition import Document, Edition, slug

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
TEI_NS = "http://www.tei-c.org/ns/1.0"

FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS),
    "tei": ("https://tei-c.org/release/xml/tei/custom/schema/xsd/tei_all.xsd", TEI_NS),
}
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(value: str, name: str) -> tuple[str, str]:
    if DAY.match(value):
        try:
            _dt.date.fromisoformat(value)
        except ValueError:
            raise OAIError("badArgument", f"'{name}' is not a valid date: {value!r}")
        return value, "day"
    if SECOND.match(value):
        try:
            _dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise OAIError("badArgument", f"'{name}' is not a valid date: {value!r}")
        return value, "second"
    raise OAIError("badArgument", f"'{name}' must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, not {value!r}")


class OAI:
    def __init__(self, edition: Edition, *, base_url: str = "http://127.0.0.1:8000/oai",
                 repository_name: str = "tei-encoder edition", admin_email: str = "editors@example.org",
                 repository_id: str = "tei-encoder.edition", page_size: int = 100, document_url=None):
        self.ed = edition
        self.base_url = base_url
        self.name = repository_name
        self.admin_email = admin_email
        self.repo_id = repository_id
        self.page_size = page_size
        self.document_url = document_url or (lambda d: None)
        self.docs = sorted(edition.documents, key=lambda d: (d.datestamp, d.name))
        self.by_id = {self.identifier(d): d for d in self.docs}
        self.sets: dict[str, str] = {"archive": "Documents by holding archive", "year": "Documents by year"}
        self.doc_sets: dict[str, set[str]] = {}
        for name, docs in edition.archives().items():
            spec = f"archive:{slug(name)}"
            self.sets[spec] = name
            for d in docs:
                self.doc_sets.setdefault(d.name, set()).update({"archive", spec})
        for year, docs in edition.years().items():
            spec = f"year:{year}"
            self.sets[spec] = f"Documents of {year}" if year != "undated" else "Undated documents"
            for d in docs:
                self.doc_sets.setdefault(d.name, set()).update({"year", spec})
        self.earliest = min((d.datestamp for d in self.docs), default="1970-01-01T00:00:00Z")
        self._dc_cache: dict[str, str] = {}

    def identifier(self, d: Document) -> str:
        return f"oai:{self.repo_id}:{d.name}"

    # ----------------------------------------------------------------- request handling
    def handle(self, items: list[tuple[str, str]]) -> str:
        """``items``: the request's arguments as (name, value) pairs (repeats kept). Returns the XML."""
        args: dict[str, str] = {}
        verb = None
        try:
            verbs = [v for k, v in items if k == "verb"]
            if len(verbs) != 1 or verbs[0] not in VERBS:
                raise OAIError("badVerb", "missing, repeated or unknown verb" if len(verbs) != 1
                               else f"{verbs[0]!r} is not an OAI-PMH verb")
            verb = verbs[0]
            for k, v in items:
                if k == "verb":
                    continue
                if k in args:
                    raise OAIError("badArgument", f"argument {k!r} is repeated")
                args[k] = v
            required, optional = VERBS[verb]
            allowed = required | optional
            for k in args:
                if k not in allowed:
                    raise OAIError("badArgument", f"{verb} does not take the argument {k!r}")
            if "resumptionToken" in args:
                if len(args) != 1:
                    raise OAIError("badArgument", "resumptionToken is an exclusive argument")
            else:
                for k in required:
                    if not args.get(k):
                        raise OAIError("badArgument", f"{verb} needs the argument {k!r}")
            body = getattr(self, "_" + verb)(args)
            return self._envelope(verb, args, body)
        except OAIError as e:
            return self._envelope(verb if verb and not (e.code == "badVerb") else None,
                                  args if e.code not in ("badVerb", "badArgument") else {},
                                  f'<error code="{e.code}">{escape(e.message)}</error>')

    def _envelope(self, verb, args, body: str) -> str:
        attrs = "".join(f' {k}="{escape(v, {chr(34): "&quot;"})}"' for k, v in sorted(args.items()))
        req = f'<request verb="{verb}"{attrs}>' if verb else "<request>"
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" '
                f'xsi:schemaLocation="{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
                f"<responseDate>{_now()}</responseDate>{req}{escape(self.base_url)}</request>{body}</OAI-PMH>\n")

    # ----------------------------------------------------------------- verbs
    def _Identify(self, args) -> str:
        return ("<Identify>"
                f"<repositoryName>{escape(self.name)}</repositoryName><baseURL>{escape(self.base_url)}</baseURL>"
                "<protocolVersion>2.0</protocolVersion>"
                f"<adminEmail>{escape(self.admin_email)}</adminEmail>"
                f"<earliestDatestamp>{self.earliest}</earliestDatestamp>"
                "<deletedRecord>no</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"
                '<description><oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier" '
                'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai-identifier '
                'http://www.openarchives.org/OAI/2.0/oai-identifier.xsd">'
                f"<scheme>oai</scheme><repositoryIdentifier>{escape(self.repo_id)}</repositoryIdentifier>"
                "<delimiter>:</delimiter>"
                f"<sampleIdentifier>oai:{escape(self.repo_id)}:{escape(self.docs[0].name if self.docs else 'doc')}</sampleIdentifier>"
                "</oai-identifier></description></Identify>")

    def _ListMetadataFormats(self, args) -> str:
        if "identifier" in args and args["identifier"] not in self.by_id:
            raise OAIError("idDoesNotExist", f"no record {args['identifier']!r}")
        out = "".join(f"<metadataFormat><metadataPrefix>{p}</metadataPrefix><schema>{s}</schema>"
                      f"<metadataNamespace>{ns}</metadataNamespace></metadataFormat>" for p, (s, ns) in FORMATS.items())
        return f"<ListMetadataFormats>{out}</ListMetadataFormats>"

    def _ListSets(self, args) -> str:
        if "resumptionToken" in args:
            raise OAIError("badResumptionToken", "ListSets is answered in one response; this token is not valid")
        out = "".join(f"<set><setSpec>{escape(s)}</setSpec><setName>{escape(n)}</setName></set>"
                      for s, n in self.sets.items())
        return f"<ListSets>{out}</ListSets>"

    def _GetRecord(self, args) -> str:
        d = self.by_id.get(args["identifier"])
        if d is None:
            raise OAIError("idDoesNotExist", f"no record {args['identifier']!r}")
        prefix = args["metadataPrefix"]
        if prefix not in FORMATS:
            raise OAIError("cannotDisseminateFormat", f"metadata format {prefix!r} is not offered; use oai_dc or tei")
        return f"<GetRecord>{self._record(d, prefix)}</GetRecord>"

    def _ListIdentifiers(self, args) -> str:
        return self._list(args, records=False)

    def _ListRecords(self, args) -> str:
        return self._list(args, records=True)

    # ----------------------------------------------------------------- lists and tokens
    def _token(self, state: dict) -> str:
        raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _untoken(self, token: str) -> dict:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            state = json.loads(raw)
            assert isinstance(state, dict) and isinstance(state.get("c"), int) and state["c"] >= 0
            assert state.get("p") in FORMATS
        except Exception:
            raise OAIError("badResumptionToken", "the resumptionToken is not one this repository issued")
        if state.get("fp") != self.ed.fingerprint:
            raise OAIError("badResumptionToken", "the edition changed since this token was issued; start the harvest again")
        return state

    def _list(self, args, records: bool) -> str:
        verb = "ListRecords" if records else "ListIdentifiers"
        if "resumptionToken" in args:
            st = self._untoken(args["resumptionToken"])
            prefix, set_spec, frm, until, cursor = st["p"], st.get("s"), st.get("f"), st.get("u"), st["c"]
        else:
            prefix, set_spec, frm, until, cursor = (args["metadataPrefix"], args.get("set"), args.get("from"),
                                                    args.get("until"), 0)
            if prefix not in FORMATS:
                raise OAIError("cannotDisseminateFormat", f"metadata format {prefix!r} is not offered; use oai_dc or tei")
            grans = []
            if frm is not None:
                frm, g = _parse_date(frm, "from")
                grans.append(g)
            if until is not None:
                until, g = _parse_date(until, "until")
                grans.append(g)
            if len(set(grans)) > 1:
                raise OAIError("badArgument", "'from' and 'until' must have the same granularity")
            if frm and until and frm > until:
                raise OAIError("badArgument", "'from' is after 'until'")
            if set_spec is not None and set_spec not in self.sets:
                raise OAIError("noRecordsMatch", f"there is no set {set_spec!r}")
        lo = (frm + "T00:00:00Z") if frm and len(frm) == 10 else frm
        hi = (until + "T23:59:59Z") if until and len(until) == 10 else until
        matches = [d for d in self.docs
                   if (lo is None or d.datestamp >= lo) and (hi is None or d.datestamp <= hi)
                   and (set_spec is None or set_spec in self.doc_sets.get(d.name, ()))]
        if not matches:
            raise OAIError("noRecordsMatch", "no record matches these arguments")
        if cursor >= len(matches) and cursor:
            raise OAIError("badResumptionToken", "the resumptionToken points past the end of the list")
        page = matches[cursor: cursor + self.page_size]
        if records:
            body = "".join(self._record(d, prefix) for d in page)
        else:
            body = "".join(self._header(d) for d in page)
        nxt = cursor + len(page)
        if nxt < len(matches):
            tok = self._token({"p": prefix, "s": set_spec, "f": frm, "u": until, "c": nxt, "fp": self.ed.fingerprint})
            body += f'<resumptionToken completeListSize="{len(matches)}" cursor="{cursor}">{tok}</resumptionToken>'
        elif cursor:
            body += f'<resumptionToken completeListSize="{len(matches)}" cursor="{cursor}"/>'
        return f"<{verb}>{body}</{verb}>"

    # ----------------------------------------------------------------- records
    def _header(self, d: Document) -> str:
        sets = "".join(f"<setSpec>{escape(s)}</setSpec>" for s in sorted(self.doc_sets.get(d.name, ())))
        return (f"<header><identifier>{escape(self.identifier(d))}</identifier>"
                f"<datestamp>{d.datestamp}</datestamp>{sets}</header>")

    def _record(self, d: Document, prefix: str) -> str:
        md = self.oai_dc(d) if prefix == "oai_dc" else d.header_xml
        return f"<record>{self._header(d)}<metadata>{md}</metadata></record>"

    def oai_dc(self, d: Document) -> str:
        cached = self._dc_cache.get(d.name)
        if cached is not None:
            return cached
        parts: list[tuple[str, str]] = [("title", d.title)]
        for ca in d.correspondence:
            for p in ca.parties:
                if p.role in ("persName", "orgName", "name") and p.text:
                    parts.append(("creator" if ca.type == "sent" else "contributor", p.text))
        for resp, name in d.contributors:
            parts.append(("contributor", f"{name} ({resp.lower()})" if resp else name))
        if d.abstract:
            parts.append(("description", d.abstract))
        if d.date:
            parts.append(("date", d.date))
        parts.append(("type", "Text"))
        parts.append(("format", "application/tei+xml"))
        url = self.document_url(d)
        if url:
            parts.append(("identifier", url))
        parts.append(("identifier", self.identifier(d)))
        if d.citation:
            parts.append(("source", d.citation))
        for lang in dict.fromkeys([d.text_lang] + d.languages):
            if lang:
                parts.append(("language", lang))
        if d.archive:
            parts.append(("publisher", d.archive))
        if d.rights:
            parts.append(("rights", d.rights))
        inner = "".join(f"<dc:{k}>{escape(v)}</dc:{k}>" for k, v in parts if v)
        out = (f'<oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" xmlns:xsi="{XSI_NS}" '
               f'xsi:schemaLocation="{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd">{inner}</oai_dc:dc>')
        self._dc_cache[d.name] = out
        return out
