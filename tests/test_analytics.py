"""Network analysis on a tiny hand-made network, and the network read from a real store."""
from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest

from graph import analytics
from graph.analytics import AG, EntityNetwork, Filters
from graph.loading import ONTOLOGY_GRAPH
from graph.network import NetworkCache, load_network, statement_sources
from graph.settings import Settings
from graph.store import open_store, rdfio
from graph.validation import ONTOLOGY_FILE

B = "https://w3id.org/akteursgraph/id/"
FUNDS, BENEFICIARY, RUNS, SUPPORTS = AG + "funds", AG + "beneficiary", AG + "runs", AG + "supports"
IN_STATE, MEMBER = AG + "inState", "http://www.w3.org/ns/org#memberOf"
XSS_FIXTURE = Path(__file__).resolve().parent / "data" / "xss.trig"


def tiny() -> EntityNetwork:
    """Two Länder; a ministry funds a programme that selects two towns; a chain a-b-c-d."""
    graph = nx.MultiDiGraph()
    nodes = {
        "land-a": ("State", set(), ""), "land-b": ("State", set(), ""),
        "land-leer": ("State", set(), ""),
        "ministerium": ("FederalMinistry", set(), ""),
        "programm": ("FundingProgramme", {"land-a"}, ""),
        "stadt-1": ("Municipality", {"land-a"}, ""), "stadt-2": ("Municipality", {"land-b"}, ""),
        "verein": ("Association", set(), ""), "agentur": ("DigitalAgency", {"land-b"}, "Planned"),
        "portal": ("Portal", {"land-a"}, ""), "plattform": ("Platform", {"land-a"}, ""),
        "a": ("Person", set(), ""), "b": ("Person", set(), ""), "c": ("Person", set(), ""),
        "d": ("Person", set(), ""),
    }
    for slug, (kind, lands, status) in nodes.items():
        graph.add_node(B + slug, kind=kind, label=slug.title(),
                       lands=frozenset(B + land for land in lands), status=status)
    facts = [
        ("ministerium", FUNDS, "programm"), ("programm", BENEFICIARY, "stadt-1"),
        ("programm", BENEFICIARY, "stadt-2"), ("ministerium", FUNDS, "verein"),
        ("verein", SUPPORTS, "programm"), ("land-b", RUNS, "agentur"),
        ("programm", IN_STATE, "land-a"), ("stadt-1", IN_STATE, "land-a"),
        ("a", MEMBER, "b"), ("c", MEMBER, "b"), ("c", MEMBER, "d"), ("a", SUPPORTS, "d"),
    ]
    for s, p, o in facts:
        graph.add_edge(B + s, B + o, key=p, sources=(B + "quelle",), inferred=s == "verein")
    labels = {B + slug: {"de": slug.title()} for slug in nodes}
    labels[B + "ministerium"]["en"] = "Ministry"
    names = {"ministerium": {B + "ministerium"}, "bm": {B + "ministerium"},
             "person": {B + "a", B + "b"}}
    return EntityNetwork(graph=graph, labels=labels, names=names)


def slugs(nodes) -> list[str]:
    return [n.removeprefix(B) for n in nodes]


# -- neighbourhoods -------------------------------------------------------------------------
def test_depth_counts_steps_in_either_direction():
    net = tiny()
    one = analytics.neighbourhood(net, {B + "a": 1})
    assert slugs(one.nodes) == ["a", "b", "d"]
    two = analytics.neighbourhood(net, {B + "a": 2})
    assert set(slugs(two.nodes)) == {"a", "b", "c", "d"}
    assert slugs(two.nodes)[0] == "a"
    assert {(s, o) for s, o, _ in two.edges} == {(B + "a", B + "b"), (B + "c", B + "b"),
                                                 (B + "c", B + "d"), (B + "a", B + "d")}


def test_cap_pages_and_more():
    net = tiny()
    first = analytics.neighbourhood(net, {B + "ministerium": 3}, cap=3)
    assert len(first.nodes) == 3 and first.more
    second = analytics.neighbourhood(net, {B + "ministerium": 3}, cap=3, page=1)
    assert not set(first.nodes) & set(second.nodes)
    known = set(first.nodes) | set(second.nodes)
    # a later page's edges reach back into earlier pages, never beyond what is loaded
    assert all(s in known and o in known for s, o, _ in second.edges)
    assert all(s in second.nodes or o in second.nodes for s, o, _ in second.edges)
    both = analytics.neighbourhood(net, {B + "ministerium": 3}, cap=3, pages=2)
    assert both.nodes == first.nodes + second.nodes
    assert set(both.edges) == set(first.edges) | set(second.edges)
    everything = analytics.neighbourhood(net, {B + "ministerium": 3}, cap=100)
    assert not everything.more


def test_filters_keep_the_focus_and_cut_the_rest():
    net = tiny()
    towns = analytics.neighbourhood(
        net, {B + "programm": 2}, Filters(kinds=frozenset({"Municipality"})))
    assert set(slugs(towns.nodes)) == {"programm", "stadt-1", "stadt-2"}
    beyond = analytics.neighbourhood(  # the walk passes through the programme, not shown
        net, {B + "ministerium": 2}, Filters(kinds=frozenset({"Municipality"})))
    assert set(slugs(beyond.nodes)) == {"ministerium", "stadt-1", "stadt-2"}
    assert beyond.edges == []
    funding_only = analytics.neighbourhood(
        net, {B + "ministerium": 2}, Filters(relations=frozenset({FUNDS})))
    assert set(slugs(funding_only.nodes)) == {"ministerium", "programm", "verein"}
    assert {key for _, _, key in funding_only.edges} == {FUNDS}
    in_a = analytics.neighbourhood(net, {}, Filters(land=B + "land-a"))
    assert set(slugs(in_a.nodes)) == {"land-a", "programm", "stadt-1", "portal", "plattform"}


def test_whole_graph_starts_with_the_best_connected():
    net = tiny()
    overview = analytics.neighbourhood(net, {}, cap=4)
    assert slugs(overview.nodes) == ["programm", "a", "b", "c"]  # degree 5, then 2 by name
    assert overview.more
    everything = analytics.neighbourhood(net, {}, cap=100).nodes
    degrees = [net.graph.degree[n] for n in everything]
    assert degrees == sorted(degrees, reverse=True) and len(everything) == 15


# -- paths ----------------------------------------------------------------------------------
def test_shortest_paths_name_each_fact_and_its_direction():
    net = tiny()
    paths = analytics.connection_paths(net, B + "a", B + "c")
    assert len(paths) == 2  # a-b-c (both memberOf b) and a-d-c
    routes = {tuple(slugs([p[0].start] + [step.end for step in p])) for p in paths}
    assert routes == {("a", "b", "c"), ("a", "d", "c")}
    via_b = next(p for p in paths if p[0].end == B + "b")
    assert via_b[1].edges == ((B + "c", B + "b", MEMBER),)  # stated c → b: against the walk


def test_paths_restricted_to_relations_and_capped():
    net = tiny()
    only_members = analytics.connection_paths(net, B + "a", B + "c", frozenset({MEMBER}))
    assert len(only_members) == 1
    assert analytics.connection_paths(net, B + "a", B + "programm") == []
    assert len(analytics.connection_paths(net, B + "a", B + "c", cap=1)) == 1
    assert analytics.connection_paths(net, B + "a", B + "nirgends") == []


# -- funding, matrix --------------------------------------------------------------------------
def test_funding_rows_from_funder_over_programme_to_beneficiary():
    net = tiny()
    flow = analytics.funding_flow(net)
    rows = {tuple(n.removeprefix(B) if n else None for n in row) for row in flow.rows}
    assert rows == {("ministerium", "programm", "stadt-1"), ("ministerium", "programm", "stadt-2"),
                    ("ministerium", None, "verein")}
    assert flow.weak == []
    weak = analytics.funding_flow(net, weak=True)
    assert (B + "verein", B + "programm", SUPPORTS) in weak.weak
    assert (B + "a", B + "d", SUPPORTS) not in weak.weak  # not tied to any funding


def test_funding_by_land():
    net = tiny()
    in_b = analytics.funding_flow(net, land=B + "land-b")
    assert [tuple(slugs(r)) for r in in_b.rows] == [("ministerium", "programm", "stadt-2")]
    assert analytics.funding_flow(net, land=B + "land-leer").rows == []


def test_matrix_has_every_land_and_keeps_plans_apart():
    net = tiny()
    matrix = analytics.laender_matrix(net)
    assert slugs(matrix.lands) == ["land-a", "land-b", "land-leer"]
    assert len(matrix.cells) == 3 * len(analytics.INSTRUMENTS)
    assert slugs(matrix.cells[B + "land-a", "portal"].current) == ["plattform", "portal"]
    assert slugs(matrix.cells[B + "land-a", "foerderprogramm"].current) == ["programm"]
    agency = matrix.cells[B + "land-b", "digitalagentur"]
    assert agency.current == [] and slugs(agency.planned) == ["agentur"]
    assert all(not c.current and not c.planned for (land, _), c in matrix.cells.items()
               if land == B + "land-leer")
    assert matrix.largest == 2
    assert [matrix.shade(n) for n in (0, 1, 2)] == [0, 2, 4]
    assert matrix.shades() == [(2, 1, 1), (4, 2, 2)]  # the legend names exactly the counts


def test_shading_steps_cover_every_count_once():
    for largest in range(1, 30):
        matrix = analytics.Matrix(lands=[], cells={("x", "y"): analytics.Cell(
            current=list(range(largest)))})
        ranges = matrix.shades()
        for count in range(1, largest + 1):
            (step,) = [s for s, low, high in ranges if low <= count <= high]
            assert matrix.shade(count) == step


def test_names_resolve_to_entities():
    net = tiny()
    assert net.resolve("ministerium", B) == [B + "ministerium"]  # slug
    assert net.resolve(B + "verein", B) == [B + "verein"]  # IRI
    assert net.resolve("BM", B) == [B + "ministerium"]  # abbreviation, any case
    assert len(net.resolve("Person", B)) == 2
    assert net.resolve("gibt es nicht", B) == []
    assert net.label(B + "ministerium", "en") == "Ministry"
    assert net.label(B + "verein", "en") == "Verein"


def test_graphml_round_trip():
    net = tiny()
    selection = analytics.neighbourhood(net, {B + "ministerium": 1})
    body = analytics.to_graphml(analytics.subnetwork(net, selection.nodes, selection.edges))
    back = nx.read_graphml(io.BytesIO(body))
    assert set(back.nodes) == set(selection.nodes)
    assert back.number_of_edges() == len(selection.edges)
    assert back.nodes[B + "programm"]["kind"] == "FundingProgramme"
    assert back.nodes[B + "programm"]["lands"] == B + "land-a"
    relations = {data["relation"] for _, _, data in back.edges(data=True)}
    assert relations == {"ag:funds", "ag:supports"}  # the edges among ministry, programme, club


# -- from a real store -------------------------------------------------------------------------
def fixture_store():
    """A store holding the ontology and the hostile-label fixture, written without a build."""
    store = open_store(Settings.from_env(store=":memory:"))
    store.replace(ontology_quads() + rdfio.read_quads(XSS_FIXTURE, display="xss.trig"),
                  artifacts={"summary.json": b"{}"})
    return store


def ontology_quads():
    return rdfio.read_quads(ONTOLOGY_FILE, display="ontology", into_graph=ONTOLOGY_GRAPH)


@pytest.fixture(scope="module")
def xss_store():
    store = fixture_store()
    yield store
    store.close()


def test_network_from_store_carries_sources_and_labels(xss_store):
    net = load_network(xss_store)
    verein, programm = B + "xss-verein", B + "xss-programm"
    assert set(net.graph) == {verein, programm}  # the source document is not an entity
    assert net.graph.nodes[verein]["kind"] == "Association"
    assert net.label(verein) == "<img src=x onerror=alert(1)>"
    assert net.label(SUPPORTS) == "unterstützt" and net.label(SUPPORTS, "en") == "supports"
    data = net.graph.edges[verein, programm, SUPPORTS]
    assert data["sources"] == (B + "testquelle-xss",) and data["inferred"] is False
    assert not net.truncated


def test_statement_sources_give_the_passage(xss_store):
    found = statement_sources(xss_store, B + "xss-verein", SUPPORTS, B + "xss-programm")
    assert found == [{"passage": "<script>alert('passage')</script> unterstützt",
                      "source": B + "testquelle-xss",
                      "title": "Testquelle mit feindlichem Text", "inferred": False,
                      "reason": "", "confidence": ""}]
    assert statement_sources(xss_store, B + "xss-programm", SUPPORTS, B + "xss-verein") == []


def test_cache_builds_once_per_generation():
    store = fixture_store()
    try:
        cache = NetworkCache()
        first = cache.get(store)
        assert cache.get(store) is first
        store.replace(ontology_quads(), artifacts={"summary.json": b"{}"})  # a new generation
        second = cache.get(store)
        assert second is not first and second.graph.number_of_nodes() == 0
    finally:
        store.close()


def test_seed_network_matches_the_store(seed_store):
    net = load_network(seed_store)
    answer = seed_store.query(
        "PREFIX ag: <https://w3id.org/akteursgraph/ontology#> "
        "SELECT ?s ?o WHERE { ?s ag:funds ?o } LIMIT 20")
    assert answer.records(), "the seed data should hold ag:funds facts"
    for row in answer.records():
        data = net.graph.get_edge_data(row["s"], row["o"], key=FUNDS)
        assert data is not None and data["sources"], row
    states = seed_store.query("PREFIX ag: <https://w3id.org/akteursgraph/ontology#> "
                              "SELECT ?s WHERE { ?s a ag:State }").records()
    assert sorted(net.states()) == sorted(r["s"] for r in states)
    assert net.graph.nodes[B + "baden-wuerttemberg"]["iso"] == "DE-BW"
    assert net.resolve("BMWi", B) == [B + "bundesministerium-fuer-wirtschaft-und-energie"]


def test_remote_endpoint_gives_the_same_network(oxigraph_server, xss_store):
    remote = open_store(Settings.from_env(store=oxigraph_server + "/query"))
    remote.replace(ontology_quads() + rdfio.read_quads(XSS_FIXTURE, display="xss.trig"))
    embedded, far = load_network(xss_store), load_network(remote)
    assert sorted(far.graph.edges(keys=True, data=True)) == sorted(
        embedded.graph.edges(keys=True, data=True))
    assert dict(far.graph.nodes(data=True)) == dict(embedded.graph.nodes(data=True))
    fact = (B + "xss-verein", SUPPORTS, B + "xss-programm")
    assert statement_sources(remote, *fact) == statement_sources(xss_store, *fact)
    cache = NetworkCache(ttl=0)  # no generations remotely: re-read after the time to live
    assert cache.get(remote) is not cache.get(remote)
    lasting = NetworkCache(ttl=600)
    assert lasting.get(remote) is lasting.get(remote)
