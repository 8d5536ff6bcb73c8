"""The start page, the ready-made questions and the entity pages, requested with the Flask test
client on the seed data (data/*.trig plus tests/data/*.trig)."""
from __future__ import annotations

import json
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib

from graph import queries
from graph.store import iri

BASE = "https://w3id.org/akteursgraph/id/"
AG = "https://w3id.org/akteursgraph/ontology#"
XSS = "<img src=x onerror=alert(1)>"
BMWI = "bundesministerium-fuer-wirtschaft-und-energie"


class Html(HTMLParser):
    """The elements of a page with their attributes and text, for looking things up."""

    def __init__(self, text: str):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("input", "br", "link", "meta", "img"):
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find(self, tag: str, **attrs) -> list[dict]:
        return [e for e in self.elements if e["tag"] == tag
                and all(e["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items())]

    def by_id(self, ident: str) -> dict:
        (found,) = [e for e in self.elements if e["attrs"].get("id") == ident]
        return found

    def text(self, tag: str, **attrs) -> list[str]:
        return [" ".join(e["text"].split()) for e in self.find(tag, **attrs)]


def get_page(client, url: str, status: int = 200) -> tuple[str, Html]:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    return body, Html(body)


def one(store, sparql: str) -> dict:
    rows = store.query(sparql, row_cap=1).records()
    assert rows, f"the seed data has nothing for: {sparql}"
    return rows[0]


def slug(value: str) -> str:
    assert value.startswith(BASE)
    return value[len(BASE):]


# -- start page -----------------------------------------------------------------------------
def test_start_page_shows_counts_by_kind_and_land_and_the_sources(client, seed_store):
    body, page = get_page(client, "/")
    lands = seed_store.query("SELECT ?x ?code WHERE { ?x a ag:State ; ag:isoCode ?code }").records()
    assert len(lands) == 16
    land_table = [t for t in page.find("table") if "Einträge nach Land" in t["text"]][0]["text"]
    for land in lands:
        assert land["code"] in land_table
    assert 'href="/id/baden-wuerttemberg"' in body
    assert 'href="/search?kind=State"' in body
    summary = json.loads(Path(seed_store.artifact("summary.json")).read_text(encoding="utf-8"))
    sources = page.find("table", class_="counts sources")[0]["text"]
    for document, statements in summary["statements_per_source"].items():
        assert f'href="/id/{slug(document)}"' in body
        assert str(statements) in sources


def test_start_page_lists_the_ready_made_questions_and_a_search_box(client):
    body, page = get_page(client, "/")
    catalogue = queries.catalogue()
    links = page.find("a")
    for name, query in catalogue.items():
        assert any(a["attrs"].get("href") == f"/questions/{name}" and
                   " ".join(a["text"].split()) == query.title for a in links), name
    if not catalogue:
        assert "Noch keine fertigen Fragen" in body
    box = page.by_id("home-q")
    assert box["attrs"]["role"] == "combobox" and box["attrs"]["aria-controls"] == "home-q-listbox"
    assert page.find("label", for_="home-q")
    assert page.find("form", action="/search", role="search")


def test_start_page_in_english(client):
    body, page = get_page(client, "/?lang=en")
    assert page.find("html")[0]["attrs"]["lang"] == "en"
    assert "What the graph holds" in body and "Entries by federal state" in body
    assert "Bavaria" in body  # the English label of Bayern
    for name, query in queries.catalogue().items():
        assert query.title_en in body
    assert ">SPARQL endpoint</a>" in body and "SPARQL-Endpunkt" not in body


def test_every_page_names_its_icon_and_the_icon_is_served(client):
    body, page = get_page(client, "/")
    icon = next(link["attrs"]["href"] for link in page.find("link")
                if link["attrs"].get("rel") == "icon")
    answer = client.get(icon)
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert b"<svg" in answer.data


# -- ready-made questions -----------------------------------------------------------------------
def _first_choice(page: Html, param) -> str:
    options = [o["attrs"]["value"] for o in page.find("option") if o["attrs"].get("value")]
    field = page.by_id(f"param-{param.name}")
    if field["tag"] == "select":
        return options[0]
    return "baden-wuerttemberg" if param.of_class == "ag:State" else "x"


@pytest.mark.parametrize("name", sorted(queries.catalogue()))
def test_every_question_runs_from_its_page(client, name):
    query = queries.catalogue()[name]
    _, form = get_page(client, f"/questions/{name}")
    assert form.text("h1") == [query.title]
    values = {p.name: _first_choice(form, p) for p in query.params if not p.optional}
    url = f"/questions/{name}?run=1&" + "&".join(f"{k}={v}" for k, v in values.items())
    body, page = get_page(client, url)
    assert page.by_id("answer-heading")
    assert page.find("table", class_="answer") or "Keine Treffer." in body


def test_state_parameters_offer_the_16_laender(client):
    with_state = [(q, p) for q in queries.catalogue().values() for p in q.params
                  if p.of_class == "ag:State"]
    assert with_state, "a named query takes a Land (angebote-eines-landes)"
    query, param = with_state[0]
    _, page = get_page(client, f"/questions/{query.name}")
    select = page.by_id(f"param-{param.name}")
    assert select["tag"] == "select"
    options = [o for o in page.find("option") if o["attrs"].get("value", "").startswith(BASE)]
    assert len(options) == 16
    assert "Baden-Württemberg" in [" ".join(o["text"].split()) for o in options]


def test_unknown_question_is_404(client):
    get_page(client, "/questions/gibt-es-nicht", status=404)


# -- entity pages -----------------------------------------------------------------------------
def test_entity_page_shows_names_kind_relations_and_their_sources(client, seed_store):
    body, page = get_page(client, f"/id/{BMWI}")
    assert page.text("h1") == ["Bundesministerium für Wirtschaft und Energie"]
    assert "BMWi" in " ".join(page.text("dd"))
    assert "Bundesministerium" in page.text("span", class_="badge kind")
    rows = seed_store.query("SELECT ?e ?p ?o WHERE { ?e ?p ?o "
                            "FILTER(isIRI(?o) && ?p != rdf:type) }",
                            bindings={"e": iri(BASE + BMWI)}).records()
    for row in rows:
        if row["o"].startswith(BASE):
            assert f'href="/id/{slug(row["o"])}"' in body
    passages = seed_store.query("""SELECT ?e ?passage WHERE { ?a rdf:subject ?e ;
        ag:passage ?passage }""", bindings={"e": iri(BASE + BMWI)}).records()
    assert passages
    quoted = [" ".join(t.split()) for t in page.text("blockquote", class_="passage")]
    for row in passages:
        assert " ".join(row["passage"].split()) in quoted
    assert page.find("details", class_="evidence")
    assert 'href="/id/quelle-bundeslaenderworkshop-2020"' in body


def test_entity_page_links_to_the_network_and_its_sources(client):
    body, page = get_page(client, f"/id/{BMWI}")
    assert f'href="/network?focus={BMWI}"' in body
    assert 'href="#quellen"' in body and page.by_id("quellen")
    assert page.text("ul", class_="sources")


def test_incoming_relations_are_shown(client, seed_store):
    row = one(seed_store, """SELECT ?event WHERE { ?event ag:participant id:baden-wuerttemberg }""")
    body, page = get_page(client, "/id/baden-wuerttemberg")
    assert "Verweise auf Baden-Württemberg" in page.text("h2")
    assert f'href="/id/{slug(row["event"])}"' in body


def test_inferred_relations_are_marked_with_reason_and_confidence(client, seed_store):
    row = one(seed_store, """SELECT ?s ?reason ?c WHERE { ?a ag:inferred true ; rdf:subject ?s ;
        rdf:predicate ?p ; ag:inferenceReason ?reason ; ag:confidence ?c .
        FILTER(isIRI(?s) && ?p NOT IN (rdfs:label, skos:altLabel)) }""")
    body, page = get_page(client, f"/id/{slug(row['s'])}")
    assert "abgeleitet" in page.text("span", class_="badge inferred")
    assert " ".join(row["reason"].split()) in [" ".join(t.split()) for t in
                                                page.text("span", class_="inference-reason")]
    assert f"{float(row['c']) * 100:.0f} %" in body


def test_status_badges(client, seed_store):
    for status, text in (("Planned", "geplant"), ("Demanded", "gefordert")):
        rows = seed_store.query(f"SELECT ?x WHERE {{ ?x ag:status ag:{status} }}",
                                row_cap=1).records()
        if rows:
            _, page = get_page(client, f"/id/{slug(rows[0]['x'])}")
            assert text in page.text("span", class_="badge planned")


def test_contact_data(client, seed_store):
    row = one(seed_store, """SELECT ?x ?value WHERE { ?x schema:telephone|schema:email ?value
        FILTER(STRSTARTS(STR(?x), STR(id:))) }""")
    body, page = get_page(client, f"/id/{slug(row['x'])}")
    assert page.by_id("contact-heading")
    assert row["value"] in body


def test_source_document_lists_the_statements_taken_from_it(client, seed_store):
    row = one(seed_store, """SELECT ?doc (COUNT(?a) AS ?n) WHERE { ?doc a ag:SourceDocument .
        ?a prov:wasDerivedFrom ?doc } GROUP BY ?doc ORDER BY ?n""")
    body, page = get_page(client, f"/id/{slug(row['doc'])}")
    assert page.by_id("statements-heading")
    table = page.find("table", class_="relations statements")[0]
    assert len(page.find("blockquote", class_="passage")) >= min(int(row["n"]), 1)
    assert table["text"].strip()


def test_entity_page_in_english(client):
    body, page = get_page(client, f"/id/{BMWI}?lang=en")
    assert page.text("h1") == ["Federal Ministry for Economic Affairs and Energy"]
    assert "federal ministry" in page.text("span", class_="badge kind")
    assert any(h.startswith("Statements about") for h in page.text("h2"))
    assert "German" in page.text("dt")  # the German name shown beside it


def _graph(body: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=fmt)


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"),
                                         ("application/ld+json", "json-ld"),
                                         ("application/n-triples", "nt")])
def test_entity_as_rdf_by_content_negotiation(client, accept, fmt):
    response = client.get(f"/id/{BMWI}", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    graph = _graph(response.data, fmt)
    entity = rdflib.URIRef(BASE + BMWI)
    assert (entity, rdflib.RDFS.label, rdflib.Literal(
        "Bundesministerium für Wirtschaft und Energie", lang="de")) in graph
    assert (entity, rdflib.SKOS.altLabel, None) in graph
    passages = list(graph.objects(None, rdflib.URIRef(AG + "passage")))
    assert passages  # the assertion nodes travel with the statements
    assert (None, rdflib.RDF.subject, entity) in graph


@pytest.mark.parametrize("name, fmt", [("ttl", "turtle"), ("turtle", "turtle"),
                                       ("jsonld", "json-ld"), ("nt", "nt")])
def test_entity_as_rdf_by_format_parameter(client, name, fmt):
    response = client.get(f"/id/baden-wuerttemberg?format={name}")
    assert response.status_code == 200
    graph = _graph(response.data, fmt)
    assert (rdflib.URIRef(BASE + "baden-wuerttemberg"), rdflib.URIRef(AG + "isoCode"),
            rdflib.Literal("DE-BW")) in graph
    assert response.headers["Vary"] == "Accept"


def test_html_is_the_default_and_says_vary(client):
    response = client.get(f"/id/{BMWI}", headers={"Accept": "*/*"})
    assert response.mimetype == "text/html" and response.headers["Vary"] == "Accept"
    assert client.get(f"/id/{BMWI}?format=rdfxyz").status_code == 400


def test_unknown_entity_offers_search_with_suggestions(client):
    body, page = get_page(client, "/id/digitale-doerfe", status=404)
    assert page.by_id("notfound-q")["attrs"]["value"] == "digitale doerfe"
    assert 'href="/id/digitale-doerfer"' in body
    assert client.get("/id/gibt-es-nicht", headers={"Accept": "text/turtle"}).status_code == 404


class RecordingStore:
    """The seed store, recording every query the viewer asks it."""

    def __init__(self, store):
        self._store, self.asked = store, []
        self.settings = store.settings

    def query(self, sparql, **options):
        self.asked.append((sparql, options.get("bindings")))
        return self._store.query(sparql, **options)

    def artifact(self, name):
        return self._store.artifact(name)


@pytest.mark.parametrize("bad", ["Baden-Wuerttemberg", "a_b", "%3Cscript%3Ex", "a--b", "-a",
                                 "x" * 201, "%C3%A4"])
def test_malformed_slug_is_404_and_reaches_no_query(seed_settings, seed_store, bad):
    from webapp import create_app

    recording = RecordingStore(seed_store)
    app = create_app(seed_settings, store=recording)
    response = app.test_client().get(f"/id/{bad}")
    assert response.status_code == 404
    assert "<script>" not in response.get_data(as_text=True)
    assert recording.asked == []


def test_hostile_labels_are_escaped_on_the_entity_page(client):
    body, page = get_page(client, "/id/xss-verein")
    assert XSS not in body and "<script>alert" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert page.text("h1") == [XSS]
    assert "<b>fett</b>" not in body  # the other end's label, escaped too
    assert "&lt;script&gt;alert(&#39;passage&#39;)&lt;/script&gt;" in body


def test_header_search_box_on_entity_pages(client):
    _, page = get_page(client, f"/id/{BMWI}")
    assert page.by_id("header-q")["attrs"]["name"] == "q"
    _, home = get_page(client, "/")
    assert not [e for e in home.elements if e["attrs"].get("id") == "header-q"]


def test_a_crowded_entity_page_links_to_all_its_statements(client, seed_store, monkeypatch):
    """A Land at national scale has tens of thousands of incoming statements: the page shows a
    few and links to the whole list in the workbench and to the search within the Land."""
    from graph import entities

    land = one(seed_store, "SELECT ?l (COUNT(?x) AS ?n) WHERE { ?l a ag:State . ?x ?p ?l "
                           "FILTER(isIRI(?x)) } GROUP BY ?l ORDER BY DESC(?n)")
    monkeypatch.setattr(entities, "MAX_INCOMING", 1)
    body, page = get_page(client, "/id/" + slug(land["l"]))
    assert "Diese Seite zeigt nicht alle Aussagen" in body
    links = [a["attrs"]["href"] for a in page.find("a")]
    workbench = next(href for href in links if href.startswith("/workbench?query="))
    assert f"/search?land={slug(land['l'])}" in links, [h for h in links if "search" in h]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(workbench).query)["query"][0]
    answer = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert len(answer.get_json()["results"]["bindings"]) >= int(land["n"])
