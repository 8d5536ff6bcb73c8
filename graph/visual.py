"""Pictures of the entity network: vis-network data built with pyvis, returned as plain data.

pyvis' own pages load scripts from CDNs, switch tooltips to ``innerHTML`` when a title holds
"href" and paste the heading unescaped, so only its data model is used here: nodes, edges and
options go to the viewer's own template as JSON, and its script draws them with the vendored
vis-network and builds tooltips as text. Nothing here writes a file.

The ``describe_*`` functions give the same nodes and edges as rows for the HTML tables that
accompany every picture.
"""
from __future__ import annotations

import json

from pyvis.network import Network

from .analytics import AG, FUNDING, WEAK_FUNDING, EntityNetwork, short

#: Colour (fill; dark enough for 3:1 against white) and vis-network shape of each kind.
KIND_STYLES = {
    "FederalMinistry": ("#0b4f94", "hexagon"), "FederalBody": ("#2563a8", "hexagon"),
    "State": ("#1d6fa5", "square"), "StateMinistry": ("#0e7490", "hexagon"),
    "District": ("#166534", "triangle"), "Municipality": ("#15803d", "triangle"),
    "Association": ("#b45309", "dot"), "Network": ("#9a3412", "dot"),
    "DigitalAgency": ("#c2410c", "star"), "Company": ("#4b5563", "triangleDown"),
    "OrganisationalUnit": ("#6b7280", "square"), "Person": ("#be185d", "dot"),
    "Initiative": ("#9d174d", "diamond"), "FundingProgramme": ("#6b21a8", "diamond"),
    "Competition": ("#7c3aed", "star"), "Prize": ("#a21caf", "star"),
    "Project": ("#4338ca", "diamond"), "Portal": ("#0f766e", "square"),
    "Platform": ("#115e59", "square"), "App": ("#0d9488", "triangle"),
    "Strategy": ("#78350f", "dot"), "Law": ("#57534e", "square"),
    "Event": ("#a16207", "triangleDown"), "Publication": ("#525252", "dot"),
}
OTHER_STYLE = ("#374151", "dot")
EDGE_COLOUR, FUNDING_COLOUR, INFERRED_COLOUR = "#6b7280", "#0b5cad", "#6b21a8"
MAX_LABEL = 40
#: From this many nodes on, the script groups each kind into one cluster node.
CLUSTER_THRESHOLD = 300


def style(kind: str) -> tuple[str, str]:
    return KIND_STYLES.get(kind, OTHER_STYLE)


def slug_of(iri: str, base_iri: str) -> str:
    """The slug of an entity IRI under ``base_iri`` ('' for any other IRI)."""
    return iri[len(base_iri):] if iri.startswith(base_iri) and len(iri) > len(base_iri) else ""


def node_key(iri: str, base_iri: str) -> str:
    """The id of a node in pictures and tables: its slug, or the IRI outside ``base_iri``."""
    return slug_of(iri, base_iri) or iri


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1].rstrip() + "…"


def vis_data(network: EntityNetwork, nodes, edges, *, lang: str = "de", base_iri: str,
             focus=(), layout: str = "network", inferred_word: str = "erschlossen") -> dict:
    """``{"nodes", "edges", "options"}`` for vis-network. ``layout`` is ``network`` (forces,
    stabilised once, then still) or ``flow`` (left to right by direction, for funding)."""
    net = Network(directed=True, layout=layout == "flow")
    focus = set(focus)
    kinds = set()
    for node in nodes:
        kind = network.graph.nodes[node]["kind"]
        kinds.add(kind)
        label = network.label(node, lang)
        kind_label = network.label(AG + kind, lang)
        extra = {"size": 24, "borderWidth": 4} if node in focus else {}
        net.add_node(node_key(node, base_iri), label=_cut(label), group=kind,
                     tip=f"{label} ({kind_label})", fullLabel=label, kind=kind,
                     kindLabel=kind_label, slug=slug_of(node, base_iri), **extra)
    for s, o, key in edges:
        data = network.graph.edges[s, o, key]
        relation = network.label(key, lang)
        extra = {}
        if data["inferred"]:
            extra["color"] = {"color": INFERRED_COLOUR, "highlight": "#c2410c"}
        elif key in FUNDING:
            extra.update(color={"color": FUNDING_COLOUR, "highlight": "#c2410c"}, width=2.5)
        if key in WEAK_FUNDING and layout == "flow":
            extra["dashes"] = True
        net.add_edge(node_key(s, base_iri), node_key(o, base_iri),
                     id=edge_id(s, o, key, base_iri), label=relation, predicate=short(key),
                     tip=(f"{network.label(s, lang)} – {relation} → {network.label(o, lang)}"
                          + (f" ({inferred_word})" if data["inferred"] else "")), **extra)
    net_nodes, net_edges, _heading, _height, _width, options = net.get_network_data()
    options = json.loads(options) if isinstance(options, str) else options
    options = _tune(options, layout, len(net_nodes), len(net_edges))
    options["groups"] = {kind: _group(kind) for kind in sorted(kinds)}
    for node in net_nodes:  # pyvis adds a default shape to every node; the group decides
        node.pop("shape", None)
    return {"nodes": net_nodes, "edges": net_edges, "options": options,
            "clusterThreshold": CLUSTER_THRESHOLD}


def _group(kind: str) -> dict:
    colour, shape = style(kind)
    return {"shape": shape, "color": {"background": colour, "border": "#1b1f24",
                                      "highlight": {"background": colour, "border": "#c2410c"},
                                      "hover": {"background": colour, "border": "#c2410c"}}}


def edge_id(s: str, o: str, key: str, base_iri: str) -> str:
    # IRIs and slugs hold no spaces, so this is unambiguous
    return f"{node_key(s, base_iri)} {short(key)} {node_key(o, base_iri)}"


def _tune(options: dict, layout: str, nodes: int, edges: int) -> dict:
    """pyvis' defaults (1,000 stabilisation steps, dynamic curves) stall big pictures."""
    options["configure"] = {"enabled": False}
    options["interaction"] = {"hover": True, "tooltipDelay": 150, "multiselect": False,
                              "keyboard": {"enabled": True, "bindToWindow": False},
                              "hideEdgesOnDrag": edges > 400}
    options["nodes"] = {"size": 14, "borderWidth": 1,
                        "font": {"color": "#1b1f24", "strokeWidth": 3, "strokeColor": "#ffffff"}}
    options["edges"] = {"smooth": {"enabled": edges <= 150, "type": "continuous"},
                        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                        "color": {"color": EDGE_COLOUR, "highlight": "#c2410c"}, "width": 1.2,
                        "font": {"size": 11, "color": "#374151", "strokeWidth": 3,
                                 "align": "middle"}}
    if layout == "flow":
        options["layout"]["hierarchical"].update(
            direction="LR", sortMethod="directed", levelSeparation=280, nodeSpacing=70,
            shakeTowards="roots")
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = {"enabled": True, "type": "cubicBezier",
                                      "forceDirection": "horizontal"}
    else:
        options["layout"] = {"improvedLayout": nodes <= 150, "randomSeed": 7}
        options["physics"] = {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110,
                                 "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": 250 if nodes <= 300 else 150,
                              "updateInterval": 10, "fit": True}}
    return options


def describe_nodes(network: EntityNetwork, nodes, *, lang: str, base_iri: str) -> list[dict]:
    """Table rows: one per node, in the given order."""
    rows = []
    for node in nodes:
        data = network.graph.nodes[node]
        rows.append({
            "iri": node, "id": node_key(node, base_iri), "slug": slug_of(node, base_iri),
            "label": network.label(node, lang),
            "kind": data["kind"], "kind_label": network.label(AG + data["kind"], lang),
            "lands": sorted(network.label(land, lang) for land in data["lands"]),
            "status": data["status"]})
    return rows


def describe_edge(network: EntityNetwork, s: str, o: str, key: str, *, lang: str,
                  base_iri: str) -> dict:
    data = network.graph.edges[s, o, key]
    return {
        "id": edge_id(s, o, key, base_iri), "s": node_key(s, base_iri),
        "o": node_key(o, base_iri), "p": short(key), "predicate": key,
        "s_label": network.label(s, lang), "s_slug": slug_of(s, base_iri),
        "o_label": network.label(o, lang), "o_slug": slug_of(o, base_iri),
        "label": network.label(key, lang), "inferred": data["inferred"],
        "weak": key in WEAK_FUNDING,
        "sources": [{"iri": src, "slug": slug_of(src, base_iri),
                     "title": network.label(src, lang)} for src in data["sources"]]}


def describe_edges(network: EntityNetwork, edges, *, lang: str, base_iri: str) -> list[dict]:
    return [describe_edge(network, s, o, key, lang=lang, base_iri=base_iri)
            for s, o, key in edges]


def legend(network: EntityNetwork, kinds, *, lang: str) -> list[dict]:
    """The kinds shown, with their colour and shape, for the HTML legend."""
    return [{"kind": kind, "label": network.label(AG + kind, lang), "colour": style(kind)[0],
             "shape": style(kind)[1]}
            for kind in sorted(set(kinds), key=lambda k: network.label(AG + k, lang))]
