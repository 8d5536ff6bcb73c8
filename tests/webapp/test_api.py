"""The JSON API under /api: search, entity, named queries, statistics, and the one error shape."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from graph import queries

BMWI = "bundesministerium-fuer-wirtschaft-und-energie"
BASE = "https://w3id.org/akteursgraph/id/"


def ok(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


def test_search_answers_hits_with_label_kind_land_and_url(client):
    answer = ok(client, "/api/search?q=BMWi&limit=3")
    assert answer["query"] == "BMWi" and 1 <= len(answer["hits"]) <= 3
    hit = answer["hits"][0]
    assert set(hit) >= {"iri", "slug", "label", "label_en", "kind", "kind_label", "land",
                        "matched_alt_label", "url"}
    assert hit["iri"] == BASE + BMWI and hit["url"] == f"/id/{BMWI}"
    assert hit["kind_label"] == "Bundesministerium"
    english = ok(client, "/api/search?q=BMWi&lang=en")["hits"][0]
    assert english["label"] == "Federal Ministry for Economic Affairs and Energy"
    assert english["kind_label"] == "federal ministry"


def test_entity_has_relations_both_ways_with_evidence(client):
    entity = ok(client, f"/api/entity/{BMWI}")
    assert entity["iri"] == BASE + BMWI and entity["kind"] == "FederalMinistry"
    assert "BMWi" in entity["alt_labels"]
    assert entity["outgoing"] and entity["incoming"]
    relation = entity["outgoing"][0]["relations"][0]
    assert set(relation) == {"other", "evidence", "inferred"}
    evidence = [e for g in entity["outgoing"] for r in g["relations"] for e in r["evidence"]]
    assert evidence and all(e["source"].startswith(BASE) for e in evidence)
    assert any(e["passage"] for e in evidence)
    assert {g["direction"] for g in entity["incoming"]} == {"in"}
    labels = {g["predicate"]: (g["label"], g["label_en"]) for g in entity["outgoing"]}
    assert labels["https://w3id.org/akteursgraph/ontology#commissions"] == ("beauftragt",
                                                                            "commissions")


def test_queries_catalogue_lists_titles_and_parameters(client):
    listed = ok(client, "/api/queries")["queries"]
    assert [q["name"] for q in listed] == list(queries.catalogue())
    for item in listed:
        query = queries.catalogue()[item["name"]]
        assert (item["title"], item["title_en"]) == (query.title, query.title_en)
        assert [p["name"] for p in item["params"]] == [p.name for p in query.params]
        assert all(set(p) >= {"kind", "of_class", "optional", "label", "label_en"}
                   for p in item["params"])
        assert item["url"] == f"/api/queries/{item['name']}"


def _arguments(query) -> str:
    values = {p.name: "baden-wuerttemberg" if p.of_class == "ag:State" else "x"
              for p in query.params if not p.optional}
    return "&".join(f"{k}={v}" for k, v in values.items())


@pytest.mark.parametrize("name", sorted(queries.catalogue()))
def test_every_named_query_runs(client, name):
    answer = ok(client, f"/api/queries/{name}?{_arguments(queries.catalogue()[name])}")
    assert set(answer) == {"variables", "rows", "truncated"}
    assert answer["variables"] and answer["truncated"] in (True, False)
    for row in answer["rows"]:
        assert set(row) <= set(answer["variables"])
        assert all(term["type"] in ("uri", "literal", "bnode") and "value" in term
                   for term in row.values())


def test_state_parameter_binds_a_land(client):
    with_state = [q for q in queries.catalogue().values()
                  if any(p.of_class == "ag:State" for p in q.params)]
    assert with_state, "a named query takes a Land (angebote-eines-landes)"
    query = with_state[0]
    param = next(p for p in query.params if p.of_class == "ag:State")
    by_slug = ok(client, f"/api/queries/{query.name}?{param.name}=bayern")
    by_iri = ok(client, f"/api/queries/{query.name}?{param.name}={BASE}bayern")
    assert by_slug == by_iri


def test_stats(client, seed_store):
    stats = ok(client, "/api/stats")
    assert stats["kinds"]["State"] == 16
    assert len(stats["lands"]) == 16
    assert all(land["code"].startswith("DE-") for land in stats["lands"])
    bw = next(land for land in stats["lands"] if land["slug"] == "baden-wuerttemberg")
    in_bw = seed_store.query("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x ag:inState "
                             "id:baden-wuerttemberg }").records()[0]["n"]
    assert bw["entities"] == int(in_bw)
    assert stats["sources"] and all(s["statements"] > 0 for s in stats["sources"])
    assert sum(s["statements"] for s in stats["sources"]) <= stats["statements"]


def _failing_urls() -> list[tuple[str, int]]:
    urls = [("/api/entity/gibt-es-nicht", 404), ("/api/entity/Not_A_Slug", 404),
            ("/api/queries/gibt-es-nicht", 404), ("/api/search?q=x&limit=0", 400),
            ("/api/search?q=x&limit=viele", 400), ("/api/search?q=" + "x" * 201, 400),
            ("/api/search?q=x&kind=no%20such", 400), ("/api/gibt-es-nicht", 404)]
    for query in queries.catalogue().values():
        urls.append((f"/api/queries/{query.name}?unbekannt=1", 400))
        if any(not p.optional for p in query.params):
            urls.append((f"/api/queries/{query.name}", 400))
    return urls


def test_every_failure_has_the_same_shape(client):
    shapes = set()
    for url, status in _failing_urls():
        response = client.get(url)
        assert response.status_code == status, url
        assert response.mimetype == "application/json", url
        body = response.get_json()
        assert list(body) == ["error"], url
        error = body["error"]
        assert error["status"] == status and error["code"] and error["message"], url
        assert isinstance(error["hint"], str), url
        shapes.add(tuple(sorted(error)))
    assert shapes == {("code", "hint", "message", "status")}


@pytest.fixture(scope="module")
def remote_client(seed_data_dir, tmp_path_factory):
    """The viewer on a real `oxigraph serve` holding the seed data: a store without artifacts,
    so search, statistics and entities take their SPARQL paths (bindings as trailing VALUES)."""
    from graph import loading
    from graph.settings import Settings
    from graph.store import open_store, rdfio
    from tests.conftest import free_port, wait_for
    from webapp import create_app

    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the 'oxigraph' server command is missing: pip install 'oxigraph==0.5.13'")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
         "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
        settings = Settings.from_env(store=f"http://127.0.0.1:{port}/query")
        store = open_store(settings)
        ontology = rdfio.read_quads(loading.ONTOLOGY_FILE, into_graph=loading.ONTOLOGY_GRAPH)
        store.replace(ontology + loading.read_sources(seed_data_dir).quads)
        app = create_app(settings, store=store)
        app.config["TESTING"] = True
        yield app.test_client()
    finally:
        process.terminate()
        process.wait(10)


def test_remote_store_answers_like_the_embedded_one(remote_client, client):
    for text in ("dorfer", "BMWi", "baden-wuerttemberg"):
        remote = ok(remote_client, f"/api/search?q={text}&limit=3")["hits"]
        assert remote[0] == ok(client, f"/api/search?q={text}&limit=3")["hits"][0], text
    remote, embedded = ok(remote_client, f"/api/entity/{BMWI}"), ok(client, f"/api/entity/{BMWI}")
    assert remote == embedded
    remote_stats, stats = ok(remote_client, "/api/stats"), ok(client, "/api/stats")
    assert remote_stats["kinds"] == stats["kinds"] and remote_stats["lands"] == stats["lands"]
    assert remote_stats["statements"] is None  # no build summary beside a remote store
    for url in ("/", "/search?q=dorfer", "/id/xss-verein", f"/id/{BMWI}?format=ttl"):
        assert remote_client.get(url).status_code == 200, url
    assert "&lt;img src=x onerror=alert(1)&gt;" in remote_client.get(
        "/id/xss-verein").get_data(as_text=True)
