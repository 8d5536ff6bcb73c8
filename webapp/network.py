"""Network views: the entity network, who funds whom, the connection finder, the Länder matrix.

Every view reads the entity network that :class:`graph.network.NetworkCache` keeps per store
generation; request parameters only ever select nodes of it (or are bound into a query as IRIs
of known nodes), so no user text reaches a query.
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from graph import analytics, visual
from graph.network import NetworkCache, statement_sources

from . import get_settings, get_store
from .errors import ApiError
from .i18n import current_language, translate

bp = Blueprint("network", __name__)

MAX_DEPTH = 3
MAX_PAGES = 10
MAX_EXPANDED = 20
FUNDING_ROWS = 300
MAX_PASSAGE_LOOKUPS = 60
#: Ties every pair of entities in a Land shares; the connection finder leaves it out unless asked.
PATHS_SKIP = frozenset({analytics.AG + "inState"})


#: Where the app keeps the entity network of its store (one per app).
CACHE = "akteursgraph.network"


@bp.record_once
def _attach_cache(state) -> None:
    state.app.extensions[CACHE] = NetworkCache()


def _network() -> analytics.EntityNetwork:
    from flask import current_app

    return current_app.extensions[CACHE].get(get_store())


def _lang() -> str:
    return current_language()


def _base() -> str:
    return get_settings().base_iri


def _bad(name: str, message: str) -> ApiError:
    return ApiError(400, "bad_parameter", message, hint=translate(
        "Prüfen Sie den Parameter „{name}“.", name=name))


def _values(name: str) -> list[str]:
    """A parameter given repeatedly (form check boxes) or comma-separated (links)."""
    return [v.strip() for raw in request.args.getlist(name) for v in raw.split(",") if v.strip()]


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _bad(name, translate("„{name}“ muss eine Zahl von {low} bis {high} sein.",
                                   name=name, low=low, high=high))
    return int(raw)


def _entity(net, name: str, *, required: bool = False) -> str | None:
    """The entity a parameter names (slug, IRI, label or abbreviation)."""
    text = request.args.get(name, "").strip()
    if not text:
        if required:
            raise _bad(name, translate("Bitte geben Sie „{name}“ an.", name=name))
        return None
    found = net.resolve(text, _base())
    if len(found) == 1:
        return found[0]
    if not found:
        raise ApiError(404, "unknown_entity", translate(
            "Keine Entität „{value}“ gefunden.", value=text[:200]),
            hint=translate(
                "Geben Sie den Kurznamen aus der Adresse /id/… oder den vollen Namen an."))
    raise ApiError(409, "ambiguous_entity", translate(
        "„{value}“ passt auf mehrere Entitäten: {names}", value=text[:200],
        names="; ".join(f"{net.label(n, _lang())} ({visual.slug_of(n, _base())})"
                        for n in found[:10])),
        hint=translate("Geben Sie den Kurznamen aus der Adresse /id/… an."))


def _land(net) -> str | None:
    land = _entity(net, "land")
    if land is not None and net.graph.nodes[land]["kind"] != "State":
        raise _bad("land", translate("„land“ muss ein Land sein."))
    return land


def _relations(net, name: str = "relations") -> frozenset[str]:
    by_short = {analytics.short(p): p for p in net.relations()}
    chosen = set()
    for value in _values(name):
        predicate = by_short.get(value) or (value if value in by_short.values() else None)
        if predicate is None:
            raise _bad(name, translate("Unbekannte Beziehung „{value}“.", value=value[:100]))
        chosen.add(predicate)
    return frozenset(chosen)


def _filters(net) -> analytics.Filters:
    known = net.kinds()
    kinds = set(_values("kinds"))
    if kinds - set(known):
        raise _bad("kinds", translate("Unbekannte Art „{value}“.",
                                      value=", ".join(sorted(kinds - set(known)))[:100]))
    return analytics.Filters(kinds=frozenset(kinds), relations=_relations(net), land=_land(net))


def _seeds(net) -> dict[str, int]:
    focus = _entity(net, "focus")
    if focus is None:
        return {}
    seeds = {focus: _int("depth", 1, 1, MAX_DEPTH)}
    expanded = _values("expand")
    if len(expanded) > MAX_EXPANDED:
        raise _bad("expand", translate("Höchstens {n} erweiterte Knoten.", n=MAX_EXPANDED))
    for text in expanded:
        for node in net.resolve(text, _base())[:1]:
            seeds.setdefault(node, 1)
    return seeds


def _selection(net):
    seeds = _seeds(net)
    selection = analytics.neighbourhood(
        net, seeds, _filters(net), page=_int("page", 0, 0, 1000),
        pages=_int("pages", 1, 1, MAX_PAGES))
    return seeds, selection


def _picture(net, nodes, edges, **options) -> dict:
    return visual.vis_data(net, nodes, edges, lang=_lang(), base_iri=_base(),
                           inferred_word=translate("erschlossen"), **options)


def _tables(net, nodes, edges) -> dict:
    return {"nodes": visual.describe_nodes(net, nodes, lang=_lang(), base_iri=_base()),
            "edges": visual.describe_edges(net, edges, lang=_lang(), base_iri=_base())}


def _choices(net) -> dict:
    """What the filter forms offer, in the current language."""
    lang = _lang()
    return {
        "kinds": visual.legend(net, net.kinds(), lang=lang),
        "relations": sorted(({"id": analytics.short(p), "iri": p, "label": net.label(p, lang)}
                             for p in net.relations()), key=lambda r: r["label"].casefold()),
        "lands": [{"slug": visual.slug_of(n, _base()), "label": net.label(n, lang)}
                  for n in net.states()],
    }


def _js_strings() -> dict:
    words = ["Erweitern", "Seite öffnen", "Als Mittelpunkt", "Nachbarn", "Fundstelle zeigen",
             "erschlossen", "Keine Fundstelle gespeichert.", "Wird geladen …", "Beziehung",
             "Fehler beim Laden", "Konfidenz", "Knoten", "Keine Nachbarn im Bild."]
    return {word: translate(word) for word in words}


def _endpoints() -> dict:
    from flask import current_app

    search = "api.search" in current_app.view_functions  # another area; may be absent
    return {"search": url_for("api.search") if search else "",
            "neighbourhood": url_for("network.api_neighbourhood"),
            "statement": url_for("network.api_statement"),
            "page": url_for("network.page"), "entity": request.script_root + "/id/"}


# -- the network -----------------------------------------------------------------------------
@bp.get("/network")
def page():
    net = _network()
    seeds, selection = _selection(net)
    focus = next(iter(seeds), None)
    data = _picture(net, selection.nodes, selection.edges, focus=[focus] if focus else [])
    data.update(strings=_js_strings(), urls=_endpoints(), more=selection.more,
                focus=visual.node_key(focus, _base()) if focus else None,
                pages=_int("pages", 1, 1, MAX_PAGES))
    return render_template(
        "network/page.html", data=data, tables=_tables(net, selection.nodes, selection.edges),
        choices=_choices(net), args=request.args, focus=focus, more=selection.more,
        focus_label=net.label(focus, _lang()) if focus else "", truncated=net.truncated,
        legend=visual.legend(net, (net.graph.nodes[n]["kind"] for n in selection.nodes),
                             lang=_lang()),
        graphml=url_for("network.graphml", **request.args.to_dict(flat=False)))


@bp.get("/api/neighbourhood")
def api_neighbourhood():
    net = _network()
    seeds, selection = _selection(net)
    data = _picture(net, selection.nodes, selection.edges, focus=list(seeds)[:1])
    return jsonify(nodes=data["nodes"], edges=data["edges"], more=selection.more,
                   page=selection.page, table=_tables(net, selection.nodes, selection.edges),
                   truncated=net.truncated)


@bp.get("/network.graphml")
def graphml():
    net = _network()
    _, selection = _selection(net)
    body = analytics.to_graphml(analytics.subnetwork(net, selection.nodes, selection.edges,
                                                     lang=_lang()))
    return Response(body, mimetype="application/graphml+xml", headers={
        "Content-Disposition": 'attachment; filename="akteursgraph-netzwerk.graphml"'})


@bp.get("/api/statement")
def api_statement():
    """The source passages of one fact: ?s=&p=&o= (slugs or IRIs; p as ag:funds or IRI)."""
    net = _network()
    subject, obj = _entity(net, "s", required=True), _entity(net, "o", required=True)
    predicates = _relations(net, "p")
    if len(predicates) != 1:
        raise _bad("p", translate("Bitte genau eine Beziehung angeben."))
    predicate = next(iter(predicates))
    if not net.graph.has_edge(subject, obj, key=predicate):
        raise ApiError(404, "unknown_fact", translate("Diese Aussage steht nicht im Graphen."))
    return jsonify(fact=visual.describe_edge(net, subject, obj, predicate, lang=_lang(),
                                             base_iri=_base()),
                   sources=statement_sources(get_store(), subject, predicate, obj))


# -- who funds whom ------------------------------------------------------------------------
def _funding(net):
    land, weak = _land(net), request.args.get("weak") in ("1", "on", "true")
    flow = analytics.funding_flow(net, land=land, weak=weak)
    page_no = _int("page", 0, 0, 10_000)
    rows = flow.rows[page_no * FUNDING_ROWS:(page_no + 1) * FUNDING_ROWS]
    shown = {n for row in rows for n in row if n}
    ties = set(flow.weak)  # weaker ties reach beyond the rows: keep those touching them
    edges = [(s, o, key) for s, o, key in flow.edges if (s in shown and o in shown)
             or ((s, o, key) in ties and (s in shown or o in shown))]
    nodes = list(dict.fromkeys(n for s, o, _ in edges for n in (s, o)))
    return land, weak, flow, page_no, rows, nodes, edges


def _funding_rows(net, rows) -> list[dict]:
    base, lang = _base(), _lang()
    out = []
    for funder, programme, winner in rows:
        def fact(s, o, key):
            return visual.describe_edge(net, s, o, key, lang=lang, base_iri=base) if (
                s and o and net.graph.has_edge(s, o, key=key)) else None
        out.append({
            "cells": [visual.describe_nodes(net, [n], lang=lang, base_iri=base)[0] if n
                      else None for n in (funder, programme, winner)],
            "funds": fact(funder, programme or winner, analytics.FUNDING[0]),
            "beneficiary": fact(programme, winner, analytics.FUNDING[1])})
    return out


@bp.get("/funding")
def funding():
    net = _network()
    land, weak, flow, page_no, rows, nodes, edges = _funding(net)
    data = _picture(net, nodes, edges, layout="flow")
    data.update(strings=_js_strings(), urls=_endpoints())
    return render_template(
        "network/funding.html", data=data, rows=_funding_rows(net, rows), total=len(flow.rows),
        weak_rows=visual.describe_edges(net, flow.weak, lang=_lang(), base_iri=_base()),
        page_no=page_no, page_size=FUNDING_ROWS, weak=weak, choices=_choices(net),
        land=visual.slug_of(land, _base()) if land else "", args=request.args)


@bp.get("/api/funding")
def api_funding():
    net = _network()
    land, weak, flow, page_no, rows, nodes, edges = _funding(net)
    return jsonify(rows=_funding_rows(net, rows), total=len(flow.rows), page=page_no,
                   more=(page_no + 1) * FUNDING_ROWS < len(flow.rows),
                   weak=visual.describe_edges(net, flow.weak, lang=_lang(), base_iri=_base()))


# -- connections -----------------------------------------------------------------------------
def _paths(net):
    source, target = _entity(net, "from", required=True), _entity(net, "to", required=True)
    if source == target:
        raise _bad("to", translate("Bitte zwei verschiedene Entitäten wählen."))
    chosen = _relations(net) or frozenset(net.relations()) - PATHS_SKIP
    paths = analytics.connection_paths(net, source, target, chosen)
    lookups = 0
    described = []
    for path in paths:
        steps = []
        for step in path:
            facts = []
            for s, o, key in step.edges:
                fact = visual.describe_edge(net, s, o, key, lang=_lang(), base_iri=_base())
                fact["forward"] = s == step.start
                if lookups < MAX_PASSAGE_LOOKUPS:
                    fact["passages"] = statement_sources(get_store(), s, key, o)
                    lookups += 1
                facts.append(fact)
            steps.append({"start": step.start, "end": step.end, "facts": facts,
                          "start_label": net.label(step.start, _lang()),
                          "end_label": net.label(step.end, _lang()),
                          "end_slug": visual.slug_of(step.end, _base())})
        described.append(steps)
    nodes = list(dict.fromkeys(n for path in paths for step in path
                               for n in (step.start, step.end)))
    edges = list(dict.fromkeys(e for path in paths for step in path for e in step.edges))
    return source, target, chosen, described, nodes, edges


@bp.get("/paths")
def paths():
    net = _network()
    context = {"choices": _choices(net), "args": request.args, "searched": False,
               "data": {"urls": _endpoints(), "strings": _js_strings()},
               "suggestions": [{"slug": visual.slug_of(n, _base()), "label": net.label(n, _lang())}
                               for n in net.ranked[:300] if visual.slug_of(n, _base())]}
    if request.args.get("from") or request.args.get("to"):
        try:
            source, target, chosen, described, nodes, edges = _paths(net)
        except ApiError as problem:
            return render_template("network/paths.html", problem=problem,
                                   chosen=_relations_or_default(net), **context), problem.status
        data = _picture(net, nodes, edges, focus=[source, target])
        data.update(strings=_js_strings(), urls=_endpoints())
        context.update(searched=True, paths=described, data=data,
                       source_label=net.label(source, _lang()),
                       target_label=net.label(target, _lang()))
        return render_template("network/paths.html", chosen=chosen, **context)
    return render_template("network/paths.html", chosen=_relations_or_default(net), **context)


def _relations_or_default(net) -> frozenset[str]:
    try:
        return _relations(net) or frozenset(net.relations()) - PATHS_SKIP
    except ApiError:
        return frozenset(net.relations()) - PATHS_SKIP


@bp.get("/api/paths")
def api_paths():
    net = _network()
    source, target, chosen, described, nodes, edges = _paths(net)
    data = _picture(net, nodes, edges, focus=[source, target])
    return jsonify(paths=described, nodes=data["nodes"], edges=data["edges"],
                   relations=sorted(analytics.short(p) for p in chosen))


# -- the Länder matrix -----------------------------------------------------------------------
def _matrix(net):
    matrix = analytics.laender_matrix(net)
    lang, base = _lang(), _base()
    columns = [{"id": col, "label": translate(label)} for col, label, _ in analytics.INSTRUMENTS]
    lands = [{"iri": land, "slug": visual.slug_of(land, base), "label": net.label(land, lang),
              "iso": net.graph.nodes[land].get("iso", ""),
              "cells": {col["id"]: matrix.cells[land, col["id"]] for col in columns}}
             for land in matrix.lands]
    return matrix, columns, lands


@bp.get("/matrix")
def matrix():
    net = _network()
    matrix_, columns, lands = _matrix(net)
    land, column = _land(net), request.args.get("instrument", "")
    listing = None
    if land and column:
        if column not in {c["id"] for c in columns}:
            raise _bad("instrument", translate("Unbekannte Art von Instrument."))
        cell = matrix_.cells[land, column]
        describe = lambda nodes: visual.describe_nodes(net, nodes, lang=_lang(),  # noqa: E731
                                                       base_iri=_base())
        listing = {"land": net.label(land, _lang()), "column": next(
            c["label"] for c in columns if c["id"] == column),
            "current": describe(cell.current), "planned": describe(cell.planned)}
    return render_template("network/matrix.html", columns=columns, lands=lands,
                           shade=matrix_.shade, shades=matrix_.shades(), listing=listing)


@bp.get("/api/matrix")
def api_matrix():
    net = _network()
    _, columns, lands = _matrix(net)
    return jsonify(columns=columns, lands=[
        {**{k: v for k, v in land.items() if k != "cells"},
         "cells": {col: {"count": len(cell.current), "planned": len(cell.planned),
                         "entities": [visual.slug_of(n, _base()) or n for n in cell.current],
                         "planned_entities": [visual.slug_of(n, _base()) or n
                                              for n in cell.planned]}
                   for col, cell in land["cells"].items()}} for land in lands])
