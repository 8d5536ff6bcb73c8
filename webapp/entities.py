"""Entity pages: ``/id/<slug>`` as HTML, Turtle, JSON-LD or N-Triples (content negotiation).

Also the small helpers the other page areas share: the label of a kind of entity in the
current language, and checking a slug before it goes anywhere near a query.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, render_template, request, url_for

from graph import entities, search

from . import get_settings, get_store
from .errors import ApiError
from .i18n import current_language, pick_label, translate
from .security import safe_href

bp = Blueprint("entities", __name__)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 200
#: ?format= values -> Answer.serialize() format
FORMATS = {"ttl": "turtle", "turtle": "turtle", "jsonld": "jsonld", "json-ld": "jsonld",
           "nt": "nt", "ntriples": "nt"}
#: Accept media types -> format; text/html first, so */* gets the page
MEDIA_TYPES = {"text/html": None, "text/turtle": "turtle", "application/ld+json": "jsonld",
               "application/n-triples": "nt"}


def valid_slug(slug: str) -> bool:
    return len(slug) <= MAX_SLUG and SLUG.fullmatch(slug) is not None


def entity_iri(slug: str) -> str:
    return get_settings().base_iri + slug


def kind_labels() -> dict[str, dict[str, str]]:
    """Class labels from the ontology, asked once per store generation."""
    store = get_store()
    cache = current_app.extensions.setdefault("akteursgraph.kind_labels", {})
    generation = str(store.artifact("summary.json"))  # changes with every build
    if generation not in cache:
        cache.clear()
        cache[generation] = entities.kind_labels(store)
    return cache[generation]


@bp.app_template_global("kind_label")
def kind_label(kind: str | None) -> str:
    """"Land" for "State" (German page), "federal state" (English page)."""
    if not kind:
        return translate("Sonstiges")
    return kind_labels().get(kind, {}).get(current_language(), kind)


@bp.app_template_global("label_of")
def label_of(thing) -> str:
    """The label of an entity, hit or node in the page's language."""
    labels = {"de": getattr(thing, "label", None), "en": getattr(thing, "label_en", None)}
    return pick_label({k: v for k, v in labels.items() if v},
                      getattr(thing, "value", None) or getattr(thing, "slug", "") or "")


@bp.app_template_global("slug_of")
def slug_of(value: str) -> str | None:
    """The viewer's slug for an IRI under the base IRI, else None (no link)."""
    base = get_settings().base_iri
    slug = value[len(base):] if value.startswith(base) else ""
    return slug if valid_slug(slug) else None


@bp.app_template_global("external_href")
def external_href(value: str) -> str:
    return safe_href(value)


@bp.get("/id/<slug>")
def entity(slug: str):
    fmt = _wanted_format()
    if not valid_slug(slug):
        return _not_found(slug, fmt, suggest=False)
    store = get_store()
    if fmt:
        answer = entities.as_rdf(store, entity_iri(slug))
        if len(answer) == 0:
            return _not_found(slug, fmt)
        body, media_type = answer.serialize(fmt)
        response = Response(body, mimetype=media_type)
        if answer.truncated:
            response.headers["X-Akteursgraph-Truncated"] = "true"
    else:
        found = entities.describe(store, entity_iri(slug))
        if found is None:
            return _not_found(slug, fmt)
        workbench = "sparql.workbench" in current_app.view_functions
        response = Response(render_template(
            "entities/entity.html", entity=found, sources=_sources(found),
            formats=[("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples")],
            network="network.page" in current_app.view_functions,
            all_statements=url_for("sparql.workbench", query=entities.all_statements_query(
                found.iri)) if workbench and found.truncated else None))
    response.headers["Vary"] = "Accept"
    return response


def _wanted_format() -> str | None:
    """The RDF format asked for (?format= wins over Accept), or None for the HTML page."""
    asked = request.args.get("format", "").strip().lower()
    if asked:
        if asked in ("html", "htm"):
            return None
        if asked not in FORMATS:
            raise ApiError(400, "bad_format", translate(
                "Unbekanntes Format „{value}“.", value=asked[:40]),
                translate("Möglich sind: {choices}.", choices="html, ttl, jsonld, nt"))
        return FORMATS[asked]
    best = request.accept_mimetypes.best_match(list(MEDIA_TYPES), default="text/html")
    return MEDIA_TYPES[best]


def _not_found(slug: str, fmt: str | None, *, suggest: bool = True):
    """A 404 that offers a search; suggestions only for a slug of the allowed shape."""
    if fmt:
        raise ApiError(404, "not_found", translate("Keine Entität „{slug}“.", slug=slug[:80]))
    text = slug.replace("-", " ") if suggest else ""
    hits = search.search(get_store(), text, limit=8) if text else []
    response = Response(render_template("entities/not_found.html", text=text, hits=hits),
                        status=404)
    response.headers["Vary"] = "Accept"
    return response


def _sources(found: entities.Entity) -> list[tuple[str, str | None]]:
    """The source documents of the statements on the page: (IRI, title), each once."""
    seen: dict[str, str | None] = {}
    for group in found.contact + found.outgoing + found.incoming:
        for relation in group.relations:
            for evidence in relation.evidence:
                if evidence.source:
                    seen.setdefault(evidence.source, evidence.source_title)
    return sorted(seen.items(), key=lambda item: (item[1] or item[0]).casefold())
