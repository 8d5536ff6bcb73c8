"""The search index on a tiny graph written here, and the SPARQL search that stands in for it
on a store without artifacts (a real Oxigraph server among them)."""
from __future__ import annotations

import random
import sqlite3
import shutil
import statistics
import subprocess
import time

import pytest

from graph import search
from graph.search import build_index, fold, search as find, spellings
from graph.settings import Settings
from graph.store import open_store, rdfio
from tests.conftest import free_port, wait_for

BASE = "https://w3id.org/akteursgraph/id/"
TINY = """
@prefix ag: <https://w3id.org/akteursgraph/ontology#> .
@prefix id: <https://w3id.org/akteursgraph/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
id:quelle-klein {
  id:quelle-klein a ag:SourceDocument ; dct:title "Kleine Testquelle"@de .
  id:baden-wuerttemberg a ag:State ; rdfs:label "Baden-Württemberg"@de ; ag:isoCode "DE-BW" .
  id:bayern a ag:State ; rdfs:label "Bayern"@de , "Bavaria"@en ; ag:isoCode "DE-BY" .
  id:dorf a ag:Municipality ; rdfs:label "Dorf"@de ; ag:inState id:bayern .
  id:dorfladen a ag:Company ; rdfs:label "Dorfladen"@de ; ag:inState id:baden-wuerttemberg .
  id:digitale-doerfer a ag:Project ; rdfs:label "Digitale Dörfer"@de ;
      ag:inState id:baden-wuerttemberg .
  id:bergdorf a ag:Municipality ; rdfs:label "Bergdorf"@de ; ag:inState id:bayern .
  id:bmwi a ag:FederalMinistry ; rdfs:label "Bundesministerium für Wirtschaft und Energie"@de ,
      "Federal Ministry for Economic Affairs and Energy"@en ; skos:altLabel "BMWi"@de .
  id:strassenbauamt a ag:OrganisationalUnit ; rdfs:label "Straßenbauamt Süd"@de .
  id:muenchen a ag:Municipality ; rdfs:label "Muenchen"@de ; ag:inState id:bayern .
  [] a ag:Assertion ; rdf:subject id:dorf ; rdf:predicate ag:inState ; rdf:object id:bayern ;
     ag:passage "Dorf in Bayern"@de .
}
<https://w3id.org/akteursgraph/ontology> {
  ag:Planned a ag:Status ; rdfs:label "geplant"@de .
}
"""


def _quads(tmp_path):
    path = tmp_path / "tiny.trig"
    path.write_text(TINY, encoding="utf-8")
    return rdfio.read_quads(path)


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    quads = _quads(tmp_path_factory.mktemp("tiny"))
    store = open_store(Settings.from_env(store=":memory:"))
    store.replace(quads, artifacts={"search.sqlite": build_index(quads, base_iri=BASE)})
    yield store
    store.close()


@pytest.fixture(scope="module")
def tiny_store_without_index(tmp_path_factory):
    store = open_store(Settings.from_env(store=":memory:"))
    store.replace(_quads(tmp_path_factory.mktemp("tiny")))
    yield store
    store.close()


@pytest.fixture(scope="module")
def tiny_remote_store(tmp_path_factory):
    """A private `oxigraph serve` (the shared one may hold other tests' data)."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the 'oxigraph' server command is missing: pip install 'oxigraph==0.5.13'")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
        store = open_store(Settings.from_env(store=f"http://127.0.0.1:{port}/query"))
        store.replace(_quads(tmp_path_factory.mktemp("tiny")))
        yield store
        store.close()
    finally:
        process.terminate()
        process.wait(10)


def slugs(hits):
    return [hit.slug for hit in hits]


def test_folding_drops_case_accents_and_punctuation():
    assert fold("Baden-Württemberg") == "baden wurttemberg"
    assert fold("Straßenbauamt  Süd") == "strassenbauamt sud"
    assert fold("Stadt.Land.Digital") == "stadt land digital"
    assert spellings("Dörfer") == ["dorfer", "doerfer"]
    assert spellings("BMWi") == ["bmwi"]
    assert spellings(" -- ") == []


def test_index_lists_entities_but_not_assertions_or_ontology_terms(tiny_store):
    db = search.open_index(search.index_path(tiny_store))
    try:
        kinds = dict(db.execute("SELECT slug, kind FROM entity"))
    finally:
        db.close()
    assert kinds["quelle-klein"] == "SourceDocument"
    assert kinds["digitale-doerfer"] == "Project"
    assert "Assertion" not in kinds.values() and "Status" not in kinds.values()
    assert len(kinds) == 10


@pytest.fixture(params=["index", "sparql", "remote"])
def any_store(request):
    return request.getfixturevalue({"index": "tiny_store", "sparql": "tiny_store_without_index",
                                    "remote": "tiny_remote_store"}[request.param])


@pytest.mark.parametrize("typed", ["dorfer", "Dörfer", "doerfer", "DIGITALE DÖ", "digitale-dorfer"])
def test_umlauts_in_either_spelling(any_store, typed):
    assert "digitale-doerfer" in slugs(find(any_store, typed))


@pytest.mark.parametrize("typed", ["Baden-Wurttemberg", "baden-wuerttemberg", "baden württ",
                                   "BADEN WÜRTTEMBERG"])
def test_land_names_in_any_spelling(any_store, typed):
    assert slugs(find(any_store, typed))[0] == "baden-wuerttemberg"


def test_sharp_s_and_spelt_out_labels(any_store):
    assert slugs(find(any_store, "strassenbau")) == ["strassenbauamt"]
    assert "muenchen" in slugs(find(any_store, "München"))


def test_abbreviation_finds_its_entity_and_says_which_name_matched(any_store):
    hit = find(any_store, "bmwi")[0]
    assert (hit.slug, hit.matched_alt_label, hit.kind) == ("bmwi", "BMWi", "FederalMinistry")
    assert hit.label == "Bundesministerium für Wirtschaft und Energie"
    assert hit.label_en == "Federal Ministry for Economic Affairs and Energy"


def test_iso_code_finds_the_land(any_store):
    assert slugs(find(any_store, "DE-BY"))[0] == "bayern"


def test_exact_then_prefix_then_contains(any_store):
    assert slugs(find(any_store, "dorf"))[:2] == ["dorf", "dorfladen"]
    assert set(slugs(find(any_store, "dorf"))[2:]) == {"digitale-doerfer", "bergdorf"}
    assert slugs(find(any_store, "dorf", limit=2)) == ["dorf", "dorfladen"]


def test_index_ranks_word_starts_before_substrings(tiny_store):
    assert slugs(find(tiny_store, "dorf")) == ["dorf", "dorfladen", "digitale-doerfer",
                                                "bergdorf"]


def test_filters_by_kind_and_land(any_store):
    assert slugs(find(any_store, "dorf", kinds=["Municipality"])) == ["dorf", "bergdorf"]
    for land in ("DE-BW", "baden-wuerttemberg", BASE + "baden-wuerttemberg"):
        assert set(slugs(find(any_store, "dorf", land=land))) == {"dorfladen",
                                                                   "digitale-doerfer"}
    assert find(any_store, "dorf", land="atlantis") == []
    assert slugs(find(any_store, "dorf", kinds=["Company", "Project"], land="DE-BW")) \
        in (["dorfladen", "digitale-doerfer"], ["digitale-doerfer", "dorfladen"])


def test_hits_name_their_land(any_store):
    (hit,) = find(any_store, "Bergdorf")
    assert (hit.land, hit.kind, hit.matched_alt_label) == ("Bayern", "Municipality", None)


def test_source_documents_are_found_by_title(any_store):
    assert slugs(find(any_store, "testquelle")) == ["quelle-klein"]


def test_nothing_for_empty_or_unmatched_text(any_store):
    assert find(any_store, "   ") == []
    assert find(any_store, "xyzzy") == []
    assert find(any_store, '"^* OR NEAR(') == []  # FTS5 syntax is never taken from the text


def test_facets_count_kinds_and_entities_per_land(tiny_store, tiny_store_without_index):
    for store in (tiny_store, tiny_store_without_index):
        found = search.facets(store)
        assert found.kinds["Municipality"] == 3 and found.kinds["State"] == 2
        lands = {land.code: land.entities for land in found.lands}
        assert lands == {"DE-BW": 2, "DE-BY": 3}


def test_suggestions_stay_fast_on_a_big_index(tmp_path):
    """50,000 generated entities (the benchmark in the report used 500,000): the 95th
    percentile of suggestion lookups stays far below 50 ms."""
    from pyoxigraph import Literal, NamedNode, Quad

    rng = random.Random(1)
    syllables = ["ber", "lin", "dorf", "mün", "chen", "würz", "burg", "bach", "feld", "heim",
                 "tal", "wald", "brück", "ober", "sach", "thü", "ring", "groß", "neu", "mark"]
    graph = NamedNode(BASE + "quelle")
    kind = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    word = lambda: "".join(rng.choice(syllables) for _ in range(3)).capitalize()  # noqa: E731
    quads = []
    for number in range(50_000):
        entity = NamedNode(f"{BASE}e{number}")
        quads += [Quad(entity, kind, NamedNode(search.AG + "Municipality"), graph),
                  Quad(entity, label, Literal(f"Gemeinde {word()} {word()}", language="de"),
                       graph)]
    path = tmp_path / "search.sqlite"
    path.write_bytes(build_index(quads, base_iri=BASE))
    db = search.open_index(path)
    typed = [w[:n] for w in (word() for _ in range(150)) for n in (1, 3, len(w))]
    timings = []
    for text in typed:
        started = time.perf_counter()
        search._search_index(db, text, (), None, 8)
        timings.append(time.perf_counter() - started)
    db.close()
    p95 = statistics.quantiles(timings, n=20)[-1]
    assert p95 < 0.05, f"95th percentile {p95 * 1000:.1f} ms"


def test_filters_alone_list_entities(any_store):
    assert set(slugs(find(any_store, "", kinds=["State"]))) == {"baden-wuerttemberg", "bayern"}
    assert set(slugs(find(any_store, " ", land="DE-BY"))) == {"dorf", "bergdorf", "muenchen"}


def test_an_index_of_another_version_is_not_used(tmp_path):
    """A generation built by an older release falls back to SPARQL instead of failing."""
    quads = _quads(tmp_path)
    stale = sqlite3.connect(tmp_path / "stale.sqlite")
    stale.execute("CREATE TABLE entity (iri TEXT)")
    stale.commit()
    stale.close()
    store = open_store(Settings.from_env(store=":memory:"))
    try:
        store.replace(quads, artifacts={"search.sqlite": (tmp_path / "stale.sqlite").read_bytes()})
        assert search.index_path(store) is None
        assert slugs(find(store, "dorfer")) == ["digitale-doerfer"]
    finally:
        store.close()
