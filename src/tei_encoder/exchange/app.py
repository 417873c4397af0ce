"""The read-only ASGI application: DTS 1.0 under /api/dts, OAI-PMH 2.0 at /oai, exports under /exports.

The edition is read once when the app is made; requests are answered from
memory by async handlers on the event loop (no worker threads, no shared lxml
trees touched while serving), so concurrent passage requests cannot race.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .cmif import build_cmif
from .dts import DTS, JSONLD, DTSError, dumps, error_body
from .edition import Edition
from .oai import OAI
from .register_export import export_files

EXPORT_TYPES = {".xml": "application/tei+xml", ".csv": "text/csv; charset=utf-8", ".jsonld": "application/ld+json"}


def create_app(tei_dir: Path, *, base_url: str = "http://127.0.0.1:8000/", register_dir: Path | None = None,
               page_size: int = 100, oai_page_size: int = 100, title: str = "tei-encoder edition",
               edition: Edition | None = None) -> Starlette:
    base = base_url if base_url.endswith("/") else base_url + "/"
    ed = edition or Edition.load(Path(tei_dir), register_dir)
    dts = DTS(ed, page_size=page_size, title=title)
    oai = OAI(ed, base_url=base + "oai", repository_name=title, page_size=oai_page_size,
              document_url=lambda d: f"{base}api/dts/document?resource={dts.doc_id(d)}")
    exports = {"cmif.xml": build_cmif(ed, base_url=base, title=title,
                                      letter_url=lambda d: f"{base}api/dts/document?resource={dts.doc_id(d)}")}
    for name, data in export_files(ed).items():
        exports[name if name.endswith((".csv", ".jsonld")) else f"register/{name}"] = data
    entry = dumps(dts.entry())

    def jsonld(body, status=200, headers=None):
        return Response(dumps(body), status_code=status, media_type=JSONLD, headers=headers)

    def dts_error(e: DTSError):
        return jsonld(error_body(e.status, e.title, e.description), e.status)

    def params(request: Request) -> dict:
        return dict(request.query_params)

    async def index(request: Request):
        return JSONResponse({"title": title, "documents": len(ed.documents),
                             "dts": "/api/dts/", "oai-pmh": "/oai?verb=Identify",
                             "exports": sorted(f"/exports/{k}" for k in exports)})

    async def dts_entry(request: Request):
        return Response(entry, media_type=JSONLD)

    async def dts_collection(request: Request):
        try:
            return jsonld(dts.collection(params(request)))
        except DTSError as e:
            return dts_error(e)

    async def dts_navigation(request: Request):
        try:
            return jsonld(dts.navigation(params(request), str(request.url)))
        except DTSError as e:
            return dts_error(e)

    async def dts_document(request: Request):
        try:
            body, media, headers = dts.document(params(request))
        except DTSError as e:
            return dts_error(e)
        return Response(body, media_type=media, headers=headers)

    async def oai_endpoint(request: Request):
        if request.method == "POST":
            # application/x-www-form-urlencoded, as OAI-PMH prescribes (no multipart parser needed)
            items = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
        else:
            items = list(request.query_params.multi_items())
        return Response(oai.handle(items).encode("utf-8"), media_type="text/xml; charset=utf-8")

    async def export(request: Request):
        name = request.path_params["name"]
        data = exports.get(name)
        if data is None:
            return JSONResponse({"error": f"no export {name!r}", "exports": sorted(exports)}, status_code=404)
        return Response(data, media_type=EXPORT_TYPES.get(Path(name).suffix, "application/octet-stream"))

    async def server_error(request: Request, exc: Exception):
        return JSONResponse({"statusCode": 500, "title": "Internal Server Error", "description": str(exc)},
                            status_code=500)

    routes = [
        Route("/", index),
        Route("/api/dts", dts_entry), Route("/api/dts/", dts_entry),
        Route("/api/dts/collection", dts_collection), Route("/api/dts/collection/", dts_collection),
        Route("/api/dts/navigation", dts_navigation), Route("/api/dts/navigation/", dts_navigation),
        Route("/api/dts/document", dts_document), Route("/api/dts/document/", dts_document),
        Route("/oai", oai_endpoint, methods=["GET", "POST"]),
        Route("/exports/{name:path}", export),
    ]
    app = Starlette(routes=routes, exception_handlers={500: server_error})
    app.state.edition, app.state.dts, app.state.oai, app.state.exports = ed, dts, oai, exports
    return app
