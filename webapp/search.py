"""The search page ``/search?q=…&kind=…&land=…``: works as a plain form; ``static/js/search.js``
adds suggestions as you type (from ``/api/search``)."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from graph import search as finder

from . import get_store
from .errors import ApiError
from .i18n import translate

bp = Blueprint("search", __name__)

PAGE_RESULTS = 50


def search_request(limit_default: int) -> dict:
    """The search parameters of this request, checked: q, kinds, land, limit."""
    text = request.args.get("q", "").strip()
    kinds = [k for k in request.args.getlist("kind") if k]
    land = request.args.get("land", "").strip() or None
    raw_limit = request.args.get("limit", "").strip()
    if raw_limit and (not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100):
        raise ApiError(400, "bad_parameter", translate(
            "„limit“ muss eine Zahl von 1 bis 100 sein."), translate("Zum Beispiel limit=8."))
    if len(text) > finder.MAX_QUERY_CHARS:
        raise ApiError(400, "bad_parameter", translate(
            "Der Suchtext ist länger als {n} Zeichen.", n=finder.MAX_QUERY_CHARS),
            translate("Kürzen Sie den Suchtext."))
    if any(not k.isalnum() or len(k) > 60 for k in kinds):
        raise ApiError(400, "bad_parameter", translate("Unbekannte Art „{value}“.",
                                                       value=kinds[0][:60]),
                       translate("Wählen Sie eine Art aus der Liste."))
    return {"text": text, "kinds": kinds, "land": land,
            "limit": int(raw_limit) if raw_limit else limit_default}


@bp.get("/search")
def page():
    asked = search_request(PAGE_RESULTS)
    store = get_store()
    hits = finder.search(store, asked["text"], kinds=asked["kinds"], land=asked["land"],
                         limit=asked["limit"])
    searched = bool(asked["text"] or asked["kinds"] or asked["land"])
    return render_template("search/page.html", hits=hits, searched=searched,
                           facets=finder.facets(store), **asked)
