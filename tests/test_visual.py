"""vis-network data built with pyvis: plain data, no CDN, hostile text kept as data."""
from __future__ import annotations

import json
import time

import networkx as nx

from graph import analytics, visual
from graph.analytics import AG, EntityNetwork

B = "https://w3id.org/akteursgraph/id/"
XSS = "<img src=x onerror=alert(1)>"


def network(size: int = 3) -> EntityNetwork:
    graph = nx.MultiDiGraph()
    graph.add_node(B + "boese", kind="Association", label=XSS, lands=frozenset(), status="")
    graph.add_node(B + "programm", kind="FundingProgramme", label="Programm", lands=frozenset(),
                   status="")
    graph.add_node("http://example.org/fremd", kind="Company", label="Fremd", lands=frozenset(),
                   status="")
    graph.add_edge(B + "boese", B + "programm", key=AG + "funds", sources=(B + "q",),
                   inferred=False)
    graph.add_edge(B + "boese", B + "programm", key=AG + "supports", sources=(B + "q",),
                   inferred=True)
    graph.add_edge("http://example.org/fremd", B + "programm", key=AG + "runs", sources=(),
                   inferred=False)
    for i in range(size - 3):
        graph.add_node(B + f"n{i}", kind="Person", label=f"Person {i}", lands=frozenset(),
                       status="")
        graph.add_edge(B + f"n{i}", B + "programm", key=AG + "supports", sources=(),
                       inferred=False)
    labels = {B + "boese": {"de": XSS}, AG + "funds": {"de": "fördert", "en": "funds"},
              AG + "supports": {"de": "unterstützt", "en": "supports"},
              AG + "Association": {"de": "Verband", "en": "association"}}
    return EntityNetwork(graph=graph, labels=labels)


def everything(net):
    return list(net.graph), list(net.graph.edges(keys=True))


def test_nodes_edges_and_options_are_plain_data():
    net = network()
    data = visual.vis_data(net, *everything(net), base_iri=B, focus=[B + "boese"])
    json.dumps(data)  # nothing that is not JSON
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {"boese", "programm", "http://example.org/fremd"}
    assert nodes["boese"]["label"] == XSS  # text as data; the page's |tojson escapes it
    assert nodes["boese"]["tip"] == f"{XSS} (Verband)"
    assert nodes["boese"]["size"] > nodes["programm"].get("size", 14)  # the focus stands out
    assert nodes["http://example.org/fremd"]["slug"] == ""  # no page to link to
    assert "shape" not in nodes["programm"] and nodes["programm"]["group"] == "FundingProgramme"
    assert data["options"]["groups"]["FundingProgramme"]["shape"] == "diamond"
    ids = [e["id"] for e in data["edges"]]
    assert len(ids) == len(set(ids)) == 3  # two relations between one pair stay apart
    funds = next(e for e in data["edges"] if e["predicate"] == "ag:funds")
    assert (funds["from"], funds["to"], funds["label"]) == ("boese", "programm", "fördert")
    supports = next(e for e in data["edges"] if e["predicate"] == "ag:supports")
    assert supports["color"]["color"] == visual.INFERRED_COLOUR
    assert "erschlossen" in supports["tip"]


def test_no_html_and_no_foreign_host_in_the_data():
    net = network()
    text = json.dumps(visual.vis_data(net, *everything(net), base_iri=B))
    assert "cdn" not in text.lower() and "<script" not in text and "href" not in text
    for url in ("https://", "http://"):  # only the entity IRIs and the foreign node's id
        assert text.count(url) == text.count(url + "example.org/fremd")


def test_english_labels():
    net = network()
    data = visual.vis_data(net, *everything(net), base_iri=B, lang="en",
                           inferred_word="inferred")
    labels = {e["label"] for e in data["edges"]}
    assert {"funds", "supports"} <= labels
    boese = next(n for n in data["nodes"] if n["id"] == "boese")
    assert boese["kindLabel"] == "association"


def test_layouts():
    net = network()
    force = visual.vis_data(net, *everything(net), base_iri=B)["options"]
    assert force["physics"]["enabled"] and force["physics"]["stabilization"]["iterations"] <= 300
    flow = visual.vis_data(net, *everything(net), base_iri=B, layout="flow")
    assert flow["options"]["layout"]["hierarchical"]["direction"] == "LR"
    assert flow["options"]["physics"] == {"enabled": False}
    weak = next(e for e in flow["edges"] if e["predicate"] == "ag:supports")
    assert weak["dashes"] is True  # weaker ties are dashed in the funding view


def test_big_pictures_are_lighter_and_fast():
    net = network(1000)
    started = time.perf_counter()
    data = visual.vis_data(net, *everything(net), base_iri=B)
    seconds = time.perf_counter() - started
    assert len(data["nodes"]) == 1000
    assert data["options"]["edges"]["smooth"]["enabled"] is False
    assert data["options"]["physics"]["stabilization"]["iterations"] <= 150
    assert data["clusterThreshold"] < 1000
    assert seconds < 5, f"1,000 nodes took {seconds:.2f} s"


def test_table_rows():
    net = network()
    nodes = visual.describe_nodes(net, [B + "boese"], lang="de", base_iri=B)
    assert nodes == [{"iri": B + "boese", "id": "boese", "slug": "boese", "label": XSS,
                      "kind": "Association", "kind_label": "Verband", "lands": [],
                      "status": ""}]
    edge = visual.describe_edge(net, B + "boese", B + "programm", AG + "funds", lang="de",
                                base_iri=B)
    assert edge["id"] == "boese ag:funds programm"
    assert (edge["s"], edge["p"], edge["o"]) == ("boese", "ag:funds", "programm")
    assert edge["sources"] == [{"iri": B + "q", "slug": "q", "title": "q"}]
    legend = visual.legend(net, ["Association", "Association", "FundingProgramme"], lang="de")
    assert [k["kind"] for k in legend] == ["FundingProgramme", "Association"]  # by label
    assert legend[1]["colour"] == visual.KIND_STYLES["Association"][0]


def test_every_kind_of_the_ontology_has_a_style():
    from graph.validation import ontology_graph
    from rdflib import OWL, RDF, URIRef

    classes = {str(c)[len(AG):] for c in ontology_graph().subjects(RDF.type, OWL.Class)
               if isinstance(c, URIRef) and str(c).startswith(AG)}
    bookkeeping = {"Actor", "Programme", "DigitalService", "SourceDocument", "Assertion",
                   "Status"}
    assert classes - bookkeeping - set(visual.KIND_STYLES) == set()
    assert analytics.PROGRAMME_KINDS <= set(visual.KIND_STYLES)
