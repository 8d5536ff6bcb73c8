"""The JSON API under ``/api``: search, entities, named queries, statistics.

Every failure answers in the one error shape of :mod:`webapp.errors`.
"""
from __future__ import annotations

import json
from dataclasses import asdict

from flask import Blueprint, Response, request, url_for

from graph import entities, queries
from graph import search as finder

from . import get_settings, get_store
from .entities import entity_iri, kind_label, valid_slug
from .errors import ApiError
from .i18n import pick_label, translate
from .search import search_request

bp = Blueprint("api", __name__)

SUGGESTIONS = 10
#: Request parameters that belong to the viewer, not to a named query.
VIEWER_PARAMETERS = {"lang"}


def as_json(data) -> Response:
    """JSON with <, > and & written as \\u escapes: graph text such as a label
    "<img src=x onerror=…>" stays inert even where a client mishandles the body."""
    body = json.dumps(data, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        body = body.replace(char, escape)
    return Response(body, mimetype="application/json")


def hit_json(hit: finder.Hit) -> dict:
    return {**asdict(hit), "label": pick_label({"de": hit.label, "en": hit.label_en or ""}),
            "label_de": hit.label, "kind_label": kind_label(hit.kind),
            "url": url_for("entities.entity", slug=hit.slug)}


@bp.get("/search")
def search():
    asked = search_request(SUGGESTIONS)
    hits = finder.search(get_store(), asked["text"], kinds=asked["kinds"], land=asked["land"],
                         limit=asked["limit"])
    return as_json({"query": asked["text"], "hits": [hit_json(hit) for hit in hits]})


@bp.get("/entity/<slug>")
def entity(slug: str):
    found = entities.describe(get_store(), entity_iri(slug)) if valid_slug(slug) else None
    if found is None:
        raise ApiError(404, "not_found", translate("Keine Entität „{slug}“.", slug=slug[:80]),
                       translate("Suchen Sie mit /api/search?q=…"))
    return as_json(asdict(found))


def query_json(query: queries.NamedQuery) -> dict:
    return {"name": query.name, "title": query.title, "title_en": query.title_en,
            "description": query.description, "description_en": query.description_en,
            "params": [asdict(param) for param in query.params],
            "url": url_for("api.run_query", name=query.name)}


@bp.get("/queries")
def list_queries():
    return as_json({"queries": [query_json(q) for q in queries.catalogue().values()]})


def named_query(name: str) -> queries.NamedQuery:
    if name not in queries.catalogue():
        raise ApiError(404, "unknown_query", translate("Keine Frage „{name}“.", name=name[:80]),
                       translate("Die Liste steht unter /api/queries."))
    return queries.catalogue()[name]


def query_values() -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key not in VIEWER_PARAMETERS}


@bp.get("/queries/<name>")
def run_query(name: str):
    query = named_query(name)
    answer = queries.run(get_store(), query.name, query_values())
    return as_json({"variables": answer.variables, "rows": answer.bindings,
                    "truncated": answer.truncated})


@bp.get("/stats")
def stats():
    found = entities.overview(get_store())
    return as_json({"statements": found.statements, "kinds": found.kinds,
                    "lands": [asdict(land) for land in found.lands],
                    "sources": [asdict(source) for source in found.sources],
                    "base_iri": get_settings().base_iri})
