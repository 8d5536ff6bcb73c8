"""The network views and their JSON API, requested with the Flask test client on the seed data.

Expectations are taken from the store with SPARQL wherever possible, so that the tests hold
while the curated data grows.
"""
from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx

from graph.store import iri

BASE = "https://w3id.org/akteursgraph/id/"
AG = "https://w3id.org/akteursgraph/ontology#"
XSS = "<img src=x onerror=alert(1)>"
BMWI = "bundesministerium-fuer-wirtschaft-und-energie"
DATA_BLOCK = re.compile(r'<script type="application/json" id="graph-data">(.*?)</script>', re.S)
ENTITY_KIND = """FILTER(STRSTARTS(STR(?k), STR(ag:))
                 && ?k NOT IN (ag:Assertion, ag:Status, ag:SourceDocument))"""


class Tags(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def api(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert response.mimetype == "application/json"
    return response.get_json()


def graph_data(body: str) -> dict:
    blocks = DATA_BLOCK.findall(body)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def records(store, sparql: str, **bindings) -> list[dict]:
    """Rows of a query; bound variables must be projected (so a remote store can bind them)."""
    return store.query(sparql, bindings={k: iri(v) for k, v in bindings.items()}).records()


def assert_error_shape(answer: dict, status: int, code: str) -> None:
    assert set(answer) == {"error"}
    assert {"status", "code", "message", "hint"} <= set(answer["error"])
    assert (answer["error"]["status"], answer["error"]["code"]) == (status, code)
    assert answer["error"]["message"]


def assert_loads_nothing_foreign(body: str) -> None:
    tags = Tags(body)
    sources = [a.get("src", "") for a in tags.all("script")] + [
        a.get("href", "") for a in tags.all("link")]
    assert all(s == "" or s.startswith("/") for s in sources), sources
    assert "cdn" not in body.lower()


# -- the network -----------------------------------------------------------------------------
def test_whole_graph(client):
    body = page(client, "/network")
    data = graph_data(body)
    assert 0 < len(data["nodes"]) <= 500
    assert body.count("<tr data-node=") == len(data["nodes"])
    assert body.count("<tr data-edge=") == len(data["edges"])
    assert 'id="network-view"' in body and 'role="img"' in body
    assert "vendor/vis-network/vis-network.min.js" in body
    assert_loads_nothing_foreign(body)


def test_depth_one_is_every_entity_one_fact_away(client, seed_store):
    data = api(client, "/api/neighbourhood?focus=digitale-doerfer&depth=1")
    expected = {r["x"] for r in records(seed_store, f"""
        PREFIX ag: <{AG}>
        SELECT DISTINCT ?focus ?x WHERE {{ {{ ?focus ?p ?x }} UNION {{ ?x ?p ?focus }}
          ?x a ?k . {ENTITY_KIND} }}""", focus=BASE + "digitale-doerfer")}
    shown = {BASE + n["id"] for n in data["nodes"]}
    assert shown == expected | {BASE + "digitale-doerfer"}
    assert {e["from"] for e in data["edges"]} | {e["to"] for e in data["edges"]} <= {
        n["id"] for n in data["nodes"]}
    deeper = api(client, "/api/neighbourhood?focus=digitale-doerfer&depth=2")
    assert {n["id"] for n in data["nodes"]} < {n["id"] for n in deeper["nodes"]}


def test_filters_by_kind_relation_and_land(client, seed_store):
    states = api(client, f"/api/neighbourhood?focus={BMWI}&depth=3&kinds=State")
    kinds = {row["kind"] for row in states["table"]["nodes"] if row["slug"] != BMWI}
    assert kinds == {"State"}
    only = api(client, "/api/neighbourhood?focus=baden-wuerttemberg&depth=1&relations=ag:inState")
    assert only["edges"] and {e["predicate"] for e in only["edges"]} == {"ag:inState"}
    in_rlp = api(client, "/api/neighbourhood?land=rheinland-pfalz")
    members = {r["x"] for r in records(seed_store, f"SELECT ?x ?l WHERE {{ ?x <{AG}inState> ?l }}",
                                       l=BASE + "rheinland-pfalz")}
    shown = {row["iri"] for row in in_rlp["table"]["nodes"]}
    assert BASE + "digitale-doerfer" in shown
    assert shown <= members | {BASE + "rheinland-pfalz"}
    repeated = api(client, "/api/neighbourhood?focus=baden-wuerttemberg&relations=ag:inState,"
                           "ag:participant&kinds=Municipality&kinds=Event")
    assert {e["predicate"] for e in repeated["edges"]} <= {"ag:inState", "ag:participant"}


def test_form_keeps_the_chosen_filters(client):
    body = page(client, "/network?focus=digitale-doerfer&depth=2&kinds=State&land=rheinland-pfalz")
    assert re.search(r'<option value="2"\s+selected>', body)
    assert re.search(r'value="State"\s+checked', body)
    assert re.search(r'<option value="rheinland-pfalz"\s+selected>', body)
    assert 'value="digitale-doerfer"' in body
    assert "/network.graphml?" in body and "kinds=State" in body


def test_pages_and_expansion(client):
    first = api(client, "/api/neighbourhood")
    second = api(client, "/api/neighbourhood?page=1")
    both = api(client, "/api/neighbourhood?pages=2")
    ids = lambda answer: [n["id"] for n in answer["nodes"]]  # noqa: E731
    assert not set(ids(first)) & set(ids(second))
    assert ids(both) == ids(first) + ids(second)
    assert first["more"] == bool(second["nodes"])
    plain = api(client, "/api/neighbourhood?focus=digitale-doerfer")
    grown = api(client, "/api/neighbourhood?focus=digitale-doerfer&expand=rheinland-pfalz")
    rlp = api(client, "/api/neighbourhood?focus=rheinland-pfalz")
    assert set(ids(grown)) == set(ids(plain)) | set(ids(rlp))


def test_graphml_export_has_what_the_view_shows(client):
    response = client.get("/network.graphml?focus=digitale-doerfer&depth=2")
    assert response.status_code == 200 and response.mimetype == "application/graphml+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    exported = nx.read_graphml(io.BytesIO(response.data))
    shown = api(client, "/api/neighbourhood?focus=digitale-doerfer&depth=2")
    assert set(exported.nodes) == {row["iri"] for row in shown["table"]["nodes"]}
    assert exported.number_of_edges() == len(shown["edges"])
    assert exported.nodes[BASE + "digitale-doerfer"]["label"] == "Digitale Dörfer"
    assert all(data["relation"] and data["label"] for _, _, data in exported.edges(data=True))


def test_statement_gives_the_passages_of_a_fact(client, seed_store):
    shown = api(client, "/api/neighbourhood?focus=digitale-doerfer")
    edge = shown["table"]["edges"][0]
    answer = api(client, f"/api/statement?s={edge['s']}&p={edge['p']}&o={edge['o']}")
    assert answer["fact"]["id"] == edge["id"]
    stored = {r["passage"] for r in records(seed_store, f"""
        SELECT ?s ?p ?o ?passage WHERE {{ ?a <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?s ;
          <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ?p ;
          <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?o ; <{AG}passage> ?passage }}""",
        s=BASE + edge["s"], p=edge["predicate"],
        o=BASE + edge["o"])}
    assert stored and {s["passage"] for s in answer["sources"]} == stored
    assert all(s["title"] for s in answer["sources"])


def test_errors_have_the_one_shape(client):
    assert_error_shape(api(client, "/api/neighbourhood?focus=bmwi&depth=7", 400), 400,
                       "bad_parameter")
    assert_error_shape(api(client, "/api/neighbourhood?focus=gibt-es-nicht", 404), 404,
                       "unknown_entity")
    assert_error_shape(api(client, "/api/neighbourhood?kinds=Drache", 400), 400, "bad_parameter")
    assert_error_shape(api(client, "/api/neighbourhood?relations=ag:mag", 400), 400,
                       "bad_parameter")
    assert_error_shape(api(client, f"/api/neighbourhood?land={BMWI}", 400), 400, "bad_parameter")
    assert_error_shape(api(client, "/api/statement?s=digitale-doerfer", 400), 400,
                       "bad_parameter")
    assert_error_shape(api(client, f"/api/statement?s=digitale-doerfer&p=ag:funds&o={BMWI}",
                           404), 404, "unknown_fact")
    assert_error_shape(api(client, "/api/paths?from=digitale-doerfer", 400), 400,
                       "bad_parameter")
    assert "gibt-es-nicht" in page(client, "/network?focus=gibt-es-nicht", 404)


def test_hostile_label_is_only_data(client):
    body = page(client, "/network?focus=xss-verein")
    assert XSS not in body and "<script>alert" not in body and "<b>fett" not in body
    block = DATA_BLOCK.search(body).group(1)
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in block
    assert "&lt;img src=x onerror=alert(1)&gt;" in body  # heading and tables: escaped text
    labels = {n["fullLabel"] for n in json.loads(block)["nodes"]}
    assert XSS in labels and 'Programm "<b>fett</b>" & Co' in labels
    assert_loads_nothing_foreign(body)
    for url in ("/funding?weak=1", "/paths?from=xss-verein&to=xss-programm",
                "/network?land=&kinds=Association"):
        other = page(client, url)
        assert XSS not in other and "<b>fett" not in other, url
    passages = api(client, "/api/statement?s=xss-verein&p=ag:supports&o=xss-programm")
    assert passages["sources"][0]["passage"].startswith("<script>")  # data, for textContent


def test_english(client):
    body = page(client, f"/network?focus={BMWI}&lang=en")
    assert "<h1>Network: Federal Ministry for Economic Affairs and Energy</h1>" in body
    data = graph_data(body)
    assert "commissions" in {e["label"] for e in data["edges"]}
    assert data["strings"]["Fundstelle zeigen"] == "Show passage"
    assert "Choose a node" in body
    assert "Who funds whom?" in page(client, "/funding?lang=en")
    assert "Funding programme" in page(client, "/matrix?lang=en")


def test_navigation_offers_the_network_views(client):
    body = page(client, "/network")
    for path in ("/network", "/funding", "/paths", "/matrix"):
        assert f'href="{path}"' in body


# -- who funds whom ------------------------------------------------------------------------
def test_funding_chains(client, seed_store):
    answer = api(client, "/api/funding")
    rows = {tuple(c["slug"] if c else None for c in row["cells"]) for row in answer["rows"]}
    funders = {r["f"] for r in records(
        seed_store, f"SELECT ?f ?p WHERE {{ ?f <{AG}funds> ?p }}", p=BASE + "digitale-doerfer")}
    assert funders
    for funder in funders:
        assert any(r[0] == funder.removeprefix(BASE) and r[1] == "digitale-doerfer"
                   for r in rows)
    inferred = {(r["s"], r["o"]) for r in records(seed_store, f"""
        SELECT ?s ?o WHERE {{ ?a <{AG}inferred> true ;
          <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?s ;
          <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{AG}funds> ;
          <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?o }}""")}
    for row in answer["rows"]:
        fact = row["funds"]
        if fact:
            assert fact["inferred"] == ((BASE + fact["s"], BASE + fact["o"]) in inferred)
    body = page(client, "/funding")
    assert body.count("passage-button") >= len(answer["rows"])
    data = graph_data(body)
    assert data["options"]["layout"]["hierarchical"]["direction"] == "LR"
    assert_loads_nothing_foreign(body)


def test_funding_by_land_and_weaker_ties(client, seed_store):
    answer = api(client, "/api/funding?land=rheinland-pfalz")
    assert answer["rows"]
    members = {r["x"].removeprefix(BASE) for r in records(
        seed_store, f"SELECT ?x ?l WHERE {{ ?x <{AG}inState> ?l }}", l=BASE + "rheinland-pfalz")}
    members.add("rheinland-pfalz")
    for row in answer["rows"]:
        assert {c["slug"] for c in row["cells"] if c} & members, row
    assert answer["weak"] == []
    weak = api(client, "/api/funding?weak=1")
    assert weak["weak"] and {t["p"] for t in weak["weak"]} <= {
        "ag:commissions", "ag:supports", "ag:runs"}
    body = page(client, "/funding?weak=1")
    assert 'id="weak-table"' in body
    assert any(e.get("dashes") for e in graph_data(body)["edges"])


# -- connections -----------------------------------------------------------------------------
def test_paths_between_abbreviations(client, seed_store):
    answer = api(client, "/api/paths?from=BMWi&to=DStGB")
    assert 1 <= len(answer["paths"]) <= 10
    lengths = {len(path) for path in answer["paths"]}
    assert len(lengths) == 1  # all shortest
    for path in answer["paths"]:
        assert path[0]["start"] == BASE + BMWI
        assert path[-1]["end"] == BASE + "deutscher-staedte-und-gemeindebund"
        for step in path:
            for fact in step["facts"]:
                assert seed_store.query("ASK { ?s ?p ?o }", bindings={
                    "s": iri(BASE + fact["s"]), "p": iri(fact["predicate"]),
                    "o": iri(BASE + fact["o"])}).boolean, fact
                assert fact["predicate"] != AG + "inState"  # left out unless chosen
    body = page(client, "/paths?from=BMWi&to=DStGB")
    assert body.count('<blockquote class="passage">') >= 1
    assert "Kürzeste Verbindungen von" in body
    assert graph_data(body)["nodes"]


def test_paths_form_and_misses(client):
    body = page(client, "/paths")
    assert 'id="from"' in body and 'id="to"' in body and 'list="entity-suggestions"' in body
    assert '<option value="baden-wuerttemberg">' in body  # suggestions without JavaScript
    assert graph_data(body)["urls"]["search"] == "/api/search"
    none = page(client, "/paths?from=xss-verein&to=baden-wuerttemberg")
    assert "Keine Verbindung" in none
    same = page(client, "/paths?from=BMWi&to=BMWi", 400)
    assert 'role="alert"' in same
    unknown = page(client, "/paths?from=BMWi&to=gibt-es-nicht", 404)
    assert "gibt-es-nicht" in unknown and 'id="from"' in unknown


def test_paths_with_the_land_relation(client):
    answer = api(client, "/api/paths?from=digitale-doerfer&to=baden-wuerttemberg"
                         "&relations=ag:inState")
    assert answer["relations"] == ["ag:inState"]
    for path in answer["paths"]:
        assert {f["predicate"] for step in path for f in step["facts"]} == {AG + "inState"}


# -- the Länder matrix -----------------------------------------------------------------------
COLUMNS = {"foerderprogramm": ["FundingProgramme"], "wettbewerb": ["Competition"],
           "preis": ["Prize"], "digitalagentur": ["DigitalAgency"], "netzwerk": ["Network"],
           "portal": ["Portal", "Platform"], "strategie": ["Strategy"]}


def test_matrix_counts_match_the_store(client, seed_store):
    answer = api(client, "/api/matrix")
    assert [c["id"] for c in answer["columns"]] == list(COLUMNS)
    assert len(answer["lands"]) == 16
    assert "DE-BW" in {land["iso"] for land in answer["lands"]}
    counted = records(seed_store, f"""PREFIX ag: <{AG}>
        SELECT ?land ?k (COUNT(DISTINCT ?x) AS ?n) WHERE {{
          ?x ag:inState ?land ; a ?k .
          FILTER NOT EXISTS {{ ?x ag:status ?st FILTER(?st IN (ag:Planned, ag:Demanded)) }}
        }} GROUP BY ?land ?k""")
    expected = {}
    for row in counted:
        for column, kinds in COLUMNS.items():
            if row["k"].removeprefix(AG) in kinds:
                key = (row["land"].removeprefix(BASE), column)
                expected[key] = expected.get(key, 0) + int(row["n"])
    for land in answer["lands"]:
        for column, cell in land["cells"].items():
            assert cell["count"] == expected.get((land["slug"], column), 0), (land["slug"], column)
    assert sum(c["planned"] for land in answer["lands"] for c in land["cells"].values()) >= 1


def test_matrix_page(client):
    body = page(client, "/matrix")
    assert body.count('<th scope="row">') == 16
    assert "<caption>" in body and "matrix-legend" in body
    cells = re.findall(r'<td class="level-(\d)">\s*(.*?)\s*</td>', body, re.S)
    assert len(cells) == 16 * 7
    chips = {int(step): (int(low), int(high or low)) for step, low, high in re.findall(
        r'<span class="level-(\d) chip">(\d+)(?:–(\d+))?</span>', body)}
    assert chips
    for level, content in cells:
        text = re.sub(r"<[^>]+>", "", content).split()
        assert text and text[0].isdigit()  # the number is always printed
        count = int(text[0])
        if level == "0":
            assert count == 0
        else:  # the legend names the range this cell's shade stands for
            low, high = chips[int(level)]
            assert low <= count <= high
    link = re.search(r'href="(/matrix\?land=[a-z-]+&amp;instrument=[a-z]+)#liste"', body)
    listing = page(client, link.group(1).replace("&amp;", "&"))
    assert 'id="liste"' in listing and "/id/" in listing.split('id="liste"')[1]


def test_matrix_list_and_planned_entries(client, seed_store):
    planned = records(seed_store, f"""PREFIX ag: <{AG}>
        SELECT ?x ?land WHERE {{ ?x ag:status ag:Planned ; a ag:DigitalAgency ;
                                  ag:inState ?land }} LIMIT 1""")
    assert planned, "the seed data should hold a planned digital agency"
    land = planned[0]["land"].removeprefix(BASE)
    body = page(client, f"/matrix?land={land}&instrument=digitalagentur")
    listing = body.split('id="liste"')[1]
    assert f'/id/{planned[0]["x"].removeprefix(BASE)}"' in listing
    assert "badge planned" in listing
    page(client, "/matrix?land=sachsen&instrument=drachen", 400)


def test_every_text_has_an_english_translation():
    root = Path(__file__).resolve().parents[2] / "webapp"
    english = {}
    for path in (root / "translations").glob("*.json"):
        english.update(json.loads(path.read_text(encoding="utf-8")))
    used = set()
    for path in (root / "templates" / "network").glob("*.html"):
        used |= set(re.findall(r'_\(\s*"([^"]+)"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"_\(\s*'([^']+)'", path.read_text(encoding="utf-8")))
    source = (root / "network.py").read_text(encoding="utf-8")
    used |= set(re.findall(r'translate\(\s*"([^"]+)"', source))
    assert used and sorted(used - set(english)) == []
