"""The SPARQL 1.1 Protocol endpoint, its service and dataset descriptions, and the workbench
page, through Flask's test client. Every answer is read back with a real parser (rdflib)."""
from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD
from rdflib.query import Result

from graph import queries

AG = Namespace("https://w3id.org/akteursgraph/ontology#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
BASE = "https://w3id.org/akteursgraph/id/"
XSS = BASE + "xss-verein"

STATES = "PREFIX ag: <https://w3id.org/akteursgraph/ontology#>\n" \
         "SELECT ?land ?code WHERE { ?land a ag:State ; ag:isoCode ?code } ORDER BY ?code"
GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<%s> AS ?s) ?s ?p ?o }" % XSS
ASK_BW = 'ASK { ?land <https://w3id.org/akteursgraph/ontology#isoCode> "DE-BW" }'
FORM = "application/x-www-form-urlencoded"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    assert response.mimetype == "application/json"
    body = response.get_json()["error"]
    assert body["status"] == status and body["message"] and "code" in body
    return body


def rows(body: bytes, fmt: str) -> list[dict]:
    result = Result.parse(io.BytesIO(body), format=fmt)
    return [{str(var): row[var] for var in result.vars} for row in result]


# -- SELECT and ASK: every results format --------------------------------------------------------
@pytest.mark.parametrize("accept, media_type, fmt", [
    ("*/*", "application/sparql-results+json", "json"),
    ("application/sparql-results+json", "application/sparql-results+json", "json"),
    ("application/json", "application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    ("text/csv", "text/csv", "csv"),
    ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", "xml"),
])
def test_select_in_each_results_format_by_accept(client, accept, media_type, fmt):
    response = client.get("/sparql", query_string={"query": STATES}, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    answer = rows(response.data, fmt)
    assert len(answer) == 16
    codes = {str(row["code"]) for row in answer}
    assert "DE-BW" in codes and "DE-BY" in codes


@pytest.mark.parametrize("fmt, media_type", [
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
    ("xml", "application/sparql-results+xml"), ("json", "application/sparql-results+json")])
def test_format_parameter_overrides_accept(client, fmt, media_type):
    response = client.get("/sparql", query_string={"query": STATES, "format": fmt},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.mimetype == media_type
    assert len(rows(response.data, fmt)) == 16


@pytest.mark.parametrize("accept, fmt", [("application/sparql-results+json", "json"),
                                         ("application/sparql-results+xml", "xml")])
def test_ask(client, accept, fmt):
    yes = client.get("/sparql", query_string={"query": ASK_BW}, headers={"Accept": accept})
    assert yes.status_code == 200
    assert Result.parse(io.BytesIO(yes.data), format=fmt).askAnswer is True
    no = client.get("/sparql", query_string={"query": ASK_BW.replace("DE-BW", "XX-00")},
                    headers={"Accept": accept})
    assert Result.parse(io.BytesIO(no.data), format=fmt).askAnswer is False


# -- CONSTRUCT and DESCRIBE: every graph format --------------------------------------------------
@pytest.mark.parametrize("accept, media_type, rdflib_format", [
    ("*/*", "text/turtle", "turtle"),
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_construct_in_each_graph_format_by_accept(client, accept, media_type, rdflib_format):
    response = client.get("/sparql", query_string={"query": GRAPH}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=rdflib_format)
    label = graph.value(URIRef(XSS), URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    assert label == Literal("<img src=x onerror=alert(1)>", lang="de")
    assert (URIRef(XSS), RDF.type, AG.Association) in graph


@pytest.mark.parametrize("fmt, rdflib_format", [
    ("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml"), ("json", "json-ld")])
def test_graph_format_parameter(client, fmt, rdflib_format):
    response = client.get("/sparql", query_string={"query": GRAPH, "format": fmt})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.data, format=rdflib_format)) >= 3


def test_describe_answers_a_graph(client):
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{XSS}>"})
    assert response.mimetype == "text/turtle"
    assert (URIRef(XSS), RDF.type, AG.Association) in Graph().parse(data=response.data)


def test_a_format_the_answer_cannot_take_is_refused_clearly(client):
    csv_graph = error_of(client.get("/sparql", query_string={"query": GRAPH, "format": "csv"}),
                         400)
    assert csv_graph["code"] == "unknown_format" and "turtle" in csv_graph["hint"]
    turtle_rows = client.get("/sparql", query_string={"query": STATES},
                             headers={"Accept": "text/turtle"})
    assert error_of(turtle_rows, 406)["code"] == "not_acceptable"


# -- the three ways to send a query ----------------------------------------------------------
def test_post_form_encoded(client):
    response = client.post("/sparql", data={"query": STATES}, content_type=FORM,
                           headers={"Accept": "text/csv"})
    assert response.status_code == 200 and len(rows(response.data, "csv")) == 16


def test_post_directly(client):
    response = client.post("/sparql?format=tsv", data=STATES.encode(),
                           content_type="application/sparql-query")
    assert response.status_code == 200 and len(rows(response.data, "tsv")) == 16


def test_post_in_another_type_is_unsupported(client):
    response = client.post("/sparql", data=json.dumps({"query": STATES}),
                           content_type="application/json")
    assert error_of(response, 415)["code"] == "unsupported_media_type"


def test_missing_empty_or_repeated_query(client):
    assert error_of(client.post("/sparql", data={}, content_type=FORM), 400)["code"] == \
        "missing_query"
    assert error_of(client.get("/sparql?query=%20"), 400)["code"] == "missing_query"
    twice = client.get("/sparql", query_string=[("query", ASK_BW), ("query", ASK_BW)])
    assert error_of(twice, 400)["code"] == "several_queries"


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_are_refused(client, name):
    response = client.get("/sparql", query_string={"query": STATES, name: BASE + "x"})
    body = error_of(response, 400)
    assert body["code"] == "dataset_not_supported" and "union" in body["message"]


def test_body_larger_than_the_limit_is_refused(client):
    big = "# " + "x" * (1024 * 1024 + 10) + "\n" + ASK_BW
    response = client.post("/sparql", data=big.encode(), content_type="application/sparql-query")
    assert error_of(response, 413)


# -- read-only ------------------------------------------------------------------------------------
INSERT = "INSERT DATA { <https://example.org/a> <https://example.org/b> 'c' }"


@pytest.mark.parametrize("send", [
    lambda c: c.post("/sparql", data={"update": INSERT}, content_type=FORM),
    lambda c: c.post("/sparql", data=INSERT.encode(), content_type="application/sparql-update"),
    lambda c: c.post("/sparql", data={"query": INSERT}, content_type=FORM),
    lambda c: c.post("/sparql", data=INSERT.encode(), content_type="application/sparql-query"),
    lambda c: c.get("/sparql", query_string={"query": INSERT}),
    lambda c: c.get("/sparql", query_string={"update": INSERT}),
    lambda c: c.get("/sparql", query_string={"query": "DROP ALL"}),
    lambda c: c.get("/sparql", query_string={"query": "LOAD <file:///etc/passwd>"}),
], ids=["form-update", "direct-update", "form-query", "direct-query", "get-query",
        "get-update", "drop", "load"])
def test_every_update_path_is_refused(client, send):
    body = error_of(send(client), 403)
    assert body["code"] == "query_refused" and "read-only" in body["message"]
    still = client.get("/sparql", query_string={"query": "ASK { <https://example.org/a> ?p ?o }"})
    assert json.loads(still.data)["boolean"] is False


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_service_is_refused(client, query):
    body = error_of(client.get("/sparql", query_string={"query": query}), 403)
    assert "SERVICE" in body["message"]


# -- errors, limits ---------------------------------------------------------------------------
def test_malformed_query_reports_line_and_column(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?s\nWHERE {\n  ?s ?p \n}"})
    body = error_of(response, 400)
    assert body["code"] == "query_syntax"
    assert body["line"] == 4 and isinstance(body["column"], int) and body["column"] >= 1
    assert body["hint"]


def test_row_cap_of_the_app_cuts_and_says_so(seed_settings, seed_store):
    from webapp import create_app

    small = create_app(seed_settings.with_(row_cap=2), store=seed_store).test_client()
    cut = small.get("/sparql", query_string={"query": STATES})
    assert cut.status_code == 200
    assert cut.headers["X-Akteursgraph-Truncated"] == "true"
    assert cut.headers["X-Akteursgraph-Row-Cap"] == "2"
    assert len(cut.get_json()["results"]["bindings"]) == 2
    cut_graph = small.get("/sparql", query_string={"query": GRAPH, "format": "nt"})
    assert cut_graph.headers["X-Akteursgraph-Truncated"] == "true"
    assert len(Graph().parse(data=cut_graph.data, format="nt")) == 2
    whole = small.get("/sparql", query_string={"query": ASK_BW})
    assert "X-Akteursgraph-Truncated" not in whole.headers


def test_a_query_past_the_time_limit_gets_503_with_advice(seed_settings, seed_store):
    from webapp import create_app

    hasty = create_app(seed_settings.with_(query_timeout=0.5), store=seed_store).test_client()
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    body = error_of(hasty.get("/sparql", query_string={"query": slow}), 503)
    assert body["code"] == "query_timeout" and body["hint"]


# -- CORS and browsers -----------------------------------------------------------------------
def test_any_origin_may_read_answers_and_errors(client):
    answer = client.get("/sparql", query_string={"query": ASK_BW},
                        headers={"Origin": "https://example.org"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Akteursgraph-Truncated" in answer.headers["Access-Control-Expose-Headers"]
    refused = client.get("/sparql", query_string={"update": INSERT})
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in client.get("/workbench").headers


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_browsers_are_sent_to_the_workbench(client):
    bare = client.get("/sparql", headers={"Accept": BROWSER})
    assert bare.status_code == 302 and bare.headers["Location"].endswith("/workbench")
    linked = client.get("/sparql", query_string={"query": ASK_BW}, headers={"Accept": BROWSER})
    assert linked.status_code == 302 and "/workbench?query=ASK" in linked.headers["Location"]
    chosen = client.get("/sparql", query_string={"query": ASK_BW, "format": "json"},
                        headers={"Accept": BROWSER})
    assert chosen.status_code == 200 and chosen.get_json()["boolean"] is True


# -- service description and VoID ------------------------------------------------------------
@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("*/*", "turtle"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml")])
def test_service_description(client, accept, rdflib_format):
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=rdflib_format)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert str(service).endswith("/sparql")
    assert graph.value(service, SD.endpoint) == service
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_CSV, FORMATS.Turtle,
            FORMATS["JSON-LD"]} <= formats
    dataset = graph.value(service, SD.defaultDataset)
    assert str(dataset).endswith("/.well-known/void#dataset")


def records(client, query: str) -> list[dict]:
    return client.get("/sparql", query_string={"query": query}).get_json()["results"]["bindings"]


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_void_counts_and_sources(client, seed_settings, accept, rdflib_format):
    response = client.get("/.well-known/void", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    graph = Graph().parse(data=response.data, format=rdflib_format)
    dataset = graph.value(predicate=RDF.type, object=VOID.Dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert {t.language for t in graph.objects(dataset, DCTERMS.title)} == {"de", "en"}
    assert {d.language for d in graph.objects(dataset, DCTERMS.description)} == {"de", "en"}
    assert graph.value(dataset, VOID.uriSpace) == Literal(seed_settings.base_iri)
    assert str(graph.value(dataset, VOID.sparqlEndpoint)).endswith("/sparql")

    triples = records(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"]
    assert graph.value(dataset, VOID.triples) == Literal(int(triples), datatype=XSD.integer)
    partitions = {graph.value(p, VOID["class"]): graph.value(p, VOID.entities).toPython()
                  for p in graph.objects(dataset, VOID.classPartition)}
    states = records(client, f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a <{AG.State}> }}")
    assert partitions[AG.State] == int(states[0]["n"]["value"]) == 16
    assert graph.value(dataset, VOID.entities).toPython() >= sum(partitions.values()) / 2

    documents = {row["d"]["value"] for row in records(
        client, f"SELECT ?d WHERE {{ ?d a <{AG.SourceDocument}> }}")}
    sources = {str(s) for s in graph.objects(dataset, DCTERMS.source)}
    assert sources == documents and len(documents) >= 3
    for source in graph.objects(dataset, DCTERMS.source):
        assert graph.value(source, DCTERMS.title), f"{source} has no title in the VoID"
        if graph.value(source, DCTERMS.license) is None:
            notes = {str(n) for n in graph.objects(source, DCTERMS.rights)}
            assert "Licence not stated in the source document." in notes

    distribution = graph.value(dataset, DCAT.distribution)
    service = graph.value(distribution, DCAT.accessService)
    assert str(graph.value(service, DCAT.endpointURL)).endswith("/sparql")


def test_void_for_a_person_is_readable_text(client):
    response = client.get("/.well-known/void", headers={"Accept": BROWSER})
    assert response.mimetype == "text/plain"
    assert len(Graph().parse(data=response.data, format="turtle")) > 20


# -- the workbench page -------------------------------------------------------------------------
def test_workbench_offers_the_named_queries_and_a_labelled_fallback(client):
    page = client.get("/workbench").get_data(as_text=True)
    assert '<label id="wb-query-label" for="wb-query">' in page
    assert '<textarea id="wb-query" name="query"' in page
    assert 'action="/sparql"' in page
    for query in queries.catalogue().values():
        assert f'value="{query.name}"' in page
    assert "vendor/codemirror/codemirror-sparql.min.js" in page
    assert "<script>" not in page and " onclick=" not in page


def test_workbench_in_english(client):
    page = client.get("/workbench?lang=en").get_data(as_text=True)
    assert "SPARQL workbench" in page
    for query in queries.catalogue().values():
        assert query.title_en.replace("&", "&amp;").replace('"', "&#34;") in page


def test_workbench_loads_an_example_without_javascript(client):
    name = next(iter(queries.catalogue()))
    page = client.get(f"/workbench?example={name}").get_data(as_text=True)
    text = queries.get(name).text
    first_pattern = next(line for line in text.splitlines() if line and not line.startswith("#"))
    assert first_pattern.replace("<", "&lt;").replace(">", "&gt;") in page


def test_workbench_escapes_the_query_from_the_url(client):
    page = client.get("/workbench", query_string={"query": "</textarea><script>alert(1)</script>"})
    text = page.get_data(as_text=True)
    assert "<script>alert(1)" not in text and "&lt;/textarea&gt;&lt;script&gt;" in text


def test_workbench_states_its_limits_in_each_language(client, seed_settings):
    german = client.get("/workbench?lang=de").get_data(as_text=True)
    english = client.get("/workbench?lang=en").get_data(as_text=True)
    assert f"{seed_settings.row_cap:,}".replace(",", ".") + " Zeilen" in german
    assert f"{seed_settings.row_cap:,} rows" in english
