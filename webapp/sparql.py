"""The SPARQL 1.1 Protocol endpoint (``/sparql``), its service and dataset descriptions, and the
workbench (``/workbench``) where people write and run queries.

The endpoint is read-only and public: every query goes through ``store.query`` with the time
limit and row cap of the app's settings; updates, SERVICE and dataset parameters are refused.
Answers are written by the store's serialisers (pyoxigraph); the descriptions by rdflib.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import (Blueprint, Response, current_app, redirect, render_template, request,
                   url_for)

from graph import describe_dataset, queries

from . import get_settings, get_store
from .errors import ApiError
from .i18n import current_language

bp = Blueprint("sparql", __name__)

STARTERS = Path(__file__).resolve().parent / "templates" / "sparql" / "starters"
DEFAULT_STARTER = "start-20-verbaende"  # what the editor shows first: names and IRIs

#: Media types a client may ask for, per answer form -> the format name ``Answer.serialize``
#: takes. On equal preference the first one wins, so each list starts with the default.
MEDIA_TYPES = {
    "select": [
        ("application/sparql-results+json", "json"), ("application/json", "json"),
        ("application/sparql-results+xml", "xml"), ("application/xml", "xml"),
        ("text/xml", "xml"), ("text/csv", "csv"), ("text/tab-separated-values", "tsv")],
    "graph": [
        ("text/turtle", "turtle"), ("application/turtle", "turtle"),
        ("application/x-turtle", "turtle"), ("application/n-triples", "nt"),
        ("application/ld+json", "jsonld"), ("application/x-json+ld", "jsonld"),
        ("application/rdf+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
        ("application/json", "jsonld"),
        # Turtle is N3, so clients asking for N3 (SPARQLWrapper's N3) can read it.
        ("text/n3", "turtle"), ("text/rdf+n3", "turtle"), ("application/n3", "turtle")],
}
MEDIA_TYPES["ask"] = MEDIA_TYPES["select"]
#: Names for the ``format`` parameter, per answer form (media types are accepted as well).
FORMAT_NAMES = {
    "select": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv",
               "tsv": "tsv"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "nt": "nt",
              "ntriples": "nt", "n-triples": "nt", "jsonld": "jsonld", "json-ld": "jsonld",
              "json": "jsonld", "xml": "xml", "rdf": "xml", "rdfxml": "xml",
              "rdf+xml": "xml"},
}
FORMAT_NAMES["ask"] = FORMAT_NAMES["select"]
#: The service and dataset descriptions: media type -> rdflib serialiser name.
DESCRIPTION_TYPES = [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                     ("application/rdf+xml", "xml"), ("application/n-triples", "nt")]
DESCRIPTION_FORMATS = {"turtle": "text/turtle", "ttl": "text/turtle",
                       "jsonld": "application/ld+json", "json-ld": "application/ld+json",
                       "xml": "application/rdf+xml", "nt": "application/n-triples"}

TRUNCATED_HEADER = "X-Akteursgraph-Truncated"
ROW_CAP_HEADER = "X-Akteursgraph-Row-Cap"
READ_ONLY = ("this endpoint is read-only: SPARQL updates are refused",
             "change the data under data/ and rebuild the graph ('akteursgraph build')")


# -- the protocol endpoint --------------------------------------------------------------------
@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    text = _query_text()
    if text is None:  # GET without a query: describe the service
        if _prefers_html():
            return redirect(url_for("sparql.workbench"))
        graph = describe_dataset.service_description(endpoint=_endpoint_url(),
                                                     void_document=_void_url())
        return _rdf_response(graph)
    if request.method == "GET" and not request.args.get("format") and _prefers_html():
        return redirect(url_for("sparql.workbench", query=text))  # a person followed a link
    settings = get_settings()
    answer = get_store().query(text, timeout=settings.query_timeout,
                               row_cap=settings.row_cap)
    fmt = _answer_format(answer.form)
    body, media_type = answer.serialize(fmt)
    response = Response(body, mimetype=media_type)
    response.vary.add("Accept")
    response.headers[ROW_CAP_HEADER] = str(settings.row_cap)
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    return response


def _query_text() -> str | None:
    """The query of a Protocol request (GET, form POST or direct POST), or None for a GET
    without one. Updates and dataset parameters are refused here, before any engine sees them.
    """
    if request.method == "GET":
        params, texts = request.args, request.args.getlist("query")
    elif request.mimetype == "application/x-www-form-urlencoded":
        params, texts = request.form, request.form.getlist("query")
    elif request.mimetype == "application/sparql-query":
        params, texts = request.args, [_body_text()]
    elif request.mimetype == "application/sparql-update":
        raise ApiError(403, "query_refused", *READ_ONLY)
    else:
        raise ApiError(415, "unsupported_media_type",
                       f"a SPARQL query cannot be sent as {request.mimetype or 'no type'!r}",
                       "POST it as application/x-www-form-urlencoded (query=…) or as "
                       "application/sparql-query")
    if "update" in params or "update" in request.args:
        raise ApiError(403, "query_refused", *READ_ONLY)
    for name in ("default-graph-uri", "named-graph-uri"):
        if name in params or name in request.args:
            raise ApiError(
                400, "dataset_not_supported",
                f"the parameter '{name}' is not supported: the default graph is always the "
                "union of all named graphs (one per source document)",
                "leave it out, or choose graphs inside the query with GRAPH <…> { … }")
    if not texts:
        if request.method == "GET":
            return None
        raise ApiError(400, "missing_query", "the request carries no query",
                       "send the query as the 'query' parameter or as the request body")
    if len(texts) > 1:
        raise ApiError(400, "several_queries", "the request carries more than one query",
                       "send exactly one 'query' parameter")
    if not texts[0].strip():
        raise ApiError(400, "missing_query", "the query is empty", "write a SPARQL query")
    return texts[0]


def _body_text() -> str:
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "bad_encoding", "the query is not valid UTF-8",
                       "send the query text encoded as UTF-8") from None


def _answer_format(form: str) -> str:
    """The format of the answer: the ``format`` parameter if it names one for this form (the
    first that does), else the best match for the Accept header, else 406."""
    names = FORMAT_NAMES[form]
    media = dict(MEDIA_TYPES[form])
    wanted = [value.strip().lower() for value in request.values.getlist("format")
              if value.strip()]
    for value in wanted:
        if value in names:
            return names[value]
        if value in media:
            return media[value]
    if wanted:
        kind = "a graph (CONSTRUCT/DESCRIBE)" if form == "graph" else f"an {form.upper()}"
        raise ApiError(400, "unknown_format",
                       f"format={wanted[0]!r} cannot be written for {kind} answer",
                       f"choose one of: {', '.join(sorted(set(names.values())))}")
    offered = [mime for mime, _ in MEDIA_TYPES[form]]
    if not request.headers.get("Accept", "").strip():
        return media[offered[0]]  # no Accept header: anything will do
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise ApiError(406, "not_acceptable",
                       "none of the media types in the Accept header can be produced for "
                       "this answer",
                       f"accept one of: {', '.join(offered)}")
    return media[best]


def _prefers_html() -> bool:
    """A browser: names text/html itself and likes it best (``*/*`` alone is not a browser)."""
    accept = request.accept_mimetypes
    named = any(value == "text/html" for value, _ in accept)
    offered = ["text/html"] + [mime for mime, _ in MEDIA_TYPES["select"] + MEDIA_TYPES["graph"]]
    return named and accept.best_match(offered) == "text/html"


# -- descriptions -----------------------------------------------------------------------------
@bp.route("/.well-known/void")
def void():
    settings = get_settings()
    graph = describe_dataset.dataset_description(
        get_store(), void_document=_void_url(), endpoint=_endpoint_url(),
        home=url_for("home.index", _external=True) if _has("home.index")
        else request.url_root, timeout=settings.query_timeout, row_cap=settings.row_cap)
    return _rdf_response(graph, readable_for_people=True)


def _rdf_response(graph, *, readable_for_people: bool = False) -> Response:
    wanted = request.args.get("format", "").strip().lower()
    if wanted:
        if wanted not in DESCRIPTION_FORMATS:
            raise ApiError(400, "unknown_format", f"format={wanted!r} is not offered here",
                           f"choose one of: {', '.join(DESCRIPTION_FORMATS)}")
        media_type = DESCRIPTION_FORMATS[wanted]
    else:
        offered = [mime for mime, _ in DESCRIPTION_TYPES]
        media_type = request.accept_mimetypes.best_match(offered, default="text/turtle")
    body = graph.serialize(format=dict(DESCRIPTION_TYPES)[media_type], encoding="utf-8")
    if readable_for_people and not wanted and _prefers_html():
        media_type = "text/plain"  # browsers show Turtle as text instead of downloading it
    response = Response(body, mimetype=media_type)
    response.vary.add("Accept")
    return response


def _endpoint_url() -> str:
    return url_for("sparql.endpoint", _external=True)


def _void_url() -> str:
    return url_for("sparql.void", _external=True)


def _has(endpoint_name: str) -> bool:
    return endpoint_name in current_app.view_functions


# -- CORS: a public, read-only endpoint ------------------------------------------------------
@bp.after_request
def allow_any_origin(response: Response) -> Response:
    """Any web page may query the endpoint: it is read-only and no request carries
    credentials (no cookie or login means anything here), so there is nothing to steal."""
    if request.endpoint in ("sparql.endpoint", "sparql.void"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = (
            f"{TRUNCATED_HEADER}, {ROW_CAP_HEADER}")
        if request.method == "OPTIONS":  # the preflight of a POST with a SPARQL body
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response


# -- the workbench ----------------------------------------------------------------------------
@bp.route("/workbench")
def workbench():
    """The editor page. ``?query=`` fills (and, with JavaScript, runs) the editor;
    ``?example=<name>`` loads an example without JavaScript."""
    english = current_language() == "en"
    examples = [_example(q.name, q.title_en if english else q.title,
                         q.description_en if english else q.description, q.text)
                for q in queries.catalogue().values()]
    starters = [_starter(path, english) for path in sorted(STARTERS.glob("*.rq"))]
    chosen = next((e for e in examples + starters
                   if e["name"] == request.args.get("example")), None)
    query = request.args.get("query") or (chosen or _default(starters))["text"]
    settings = get_settings()
    return render_template(
        "sparql/workbench.html", examples=examples, starters=starters, query=query,
        selected=chosen["name"] if chosen else "",
        description=chosen["description"] if chosen else "",
        base_iri=settings.base_iri, row_cap=settings.row_cap, timeout=settings.query_timeout)


def _example(name: str, title: str, description: str, text: str) -> dict:
    return {"name": name, "title": title, "description": description, "text": text}


def _default(starters: list[dict]) -> dict:
    return next((s for s in starters if s["name"] == DEFAULT_STARTER), starters[0])


_HEADER = re.compile(r"^#\s*(title|title_en|description|description_en)\s*:\s*(.*)$")


def _starter(path: Path, english: bool) -> dict:
    """A first-steps query shipped with the workbench (same header lines as named queries)."""
    text = path.read_text(encoding="utf-8")
    meta = dict(m.groups() for m in map(_HEADER.match, text.splitlines()) if m)
    suffix = "_en" if english else ""
    return _example(f"start-{path.stem}", meta.get("title" + suffix, meta.get("title", "")),
                    meta.get("description" + suffix, meta.get("description", "")), text)
