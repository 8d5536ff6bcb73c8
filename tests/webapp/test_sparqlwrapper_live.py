"""SPARQLWrapper, a real SPARQL client, against the viewer under waitress on 127.0.0.1 — and
proof that a SERVICE clause never makes the server call another host."""
from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.parse
import urllib.request
import xml.dom.minidom

import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import (CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE,
                           URLENCODED, XML, SPARQLWrapper)

from tests.conftest import free_port

XSS = "https://w3id.org/akteursgraph/id/xss-verein"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
STATES = ("PREFIX ag: <https://w3id.org/akteursgraph/ontology#> "
          "SELECT ?land ?code WHERE { ?land a ag:State ; ag:isoCode ?code } ORDER BY ?code")
ASK_BW = 'ASK { ?land <https://w3id.org/akteursgraph/ontology#isoCode> "DE-BW" }'
GRAPH = f"CONSTRUCT {{ <{XSS}> ?p ?o }} WHERE {{ <{XSS}> ?p ?o }}"
SENDS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]
SEND_IDS = ["get", "post-form", "post-direct"]
# SPARQLWrapper warns (RuntimeWarning) when the answer is not in the format it asked for.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def client(live_server: str, query: str, method: str, request_method: str,
           fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setTimeout(30)
    sparql.setQuery(query)
    sparql.setMethod(method)
    sparql.setRequestMethod(request_method)
    sparql.setReturnFormat(fmt)
    return sparql


@pytest.mark.parametrize("method, request_method", SENDS, ids=SEND_IDS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select(live_server, method, request_method, fmt):
    result = client(live_server, STATES, method, request_method, fmt).query()
    converted = result.convert()
    if fmt == JSON:
        codes = [row["code"]["value"] for row in converted["results"]["bindings"]]
    elif fmt == XML:
        assert isinstance(converted, xml.dom.minidom.Document)
        codes = [node.firstChild.firstChild.data for node in converted.getElementsByTagName(
            "binding") if node.getAttribute("name") == "code"]
    else:
        separator = "," if fmt == CSV else "\t"
        lines = converted.decode().strip().splitlines()
        assert lines[0].split(separator) in (["land", "code"], ["?land", "?code"])
        codes = [line.split(separator)[1].strip('"') for line in lines[1:]]
    assert len(codes) == 16 and "DE-BW" in codes


@pytest.mark.parametrize("method, request_method", SENDS, ids=SEND_IDS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(live_server, method, request_method, fmt):
    converted = client(live_server, ASK_BW, method, request_method, fmt).query().convert()
    if fmt == JSON:
        assert converted["boolean"] is True
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"


def graph_of(converted, rdflib_format: str) -> Graph:
    if isinstance(converted, Graph):
        return converted
    return Graph().parse(data=converted, format=rdflib_format)


@pytest.mark.parametrize("method, request_method", SENDS, ids=SEND_IDS)
@pytest.mark.parametrize("fmt, rdflib_format", [
    (TURTLE, "turtle"), (N3, "n3"), (JSONLD, "json-ld"), (RDFXML, "xml"), (XML, "xml")])
def test_construct(live_server, method, request_method, fmt, rdflib_format):
    result = client(live_server, GRAPH, method, request_method, fmt).query()
    graph = graph_of(result.convert(), rdflib_format)
    assert graph.value(URIRef(XSS), URIRef(LABEL)) == Literal(
        "<img src=x onerror=alert(1)>", lang="de")


@pytest.mark.parametrize("method", [GET, POST])
def test_construct_as_ntriples_by_accept_only(live_server, method):
    sparql = client(live_server, GRAPH, method, URLENCODED, N3)
    sparql.setOnlyConneg(True)
    sparql.addCustomHttpHeader("Accept", "application/n-triples")
    result = sparql.query()
    assert result.info()["content-type"].startswith("application/n-triples")
    graph = Graph().parse(data=result.convert(), format="nt")
    assert (URIRef(XSS), URIRef(LABEL), None) in graph


@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_update_is_refused_with_403(live_server, request_method):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setTimeout(30)
    sparql.setMethod(POST)
    sparql.setRequestMethod(request_method)
    sparql.setQuery("INSERT DATA { <https://example.org/a> <https://example.org/b> 'c' }")
    assert sparql.isSparqlUpdateRequest()
    with pytest.raises(urllib.error.HTTPError) as refused:
        sparql.query()
    assert refused.value.code == 403
    check = client(live_server, "ASK { <https://example.org/a> ?p ?o }", GET, URLENCODED, JSON)
    assert check.query().convert()["boolean"] is False


class _Counter(http.server.BaseHTTPRequestHandler):
    """Counts every request it gets: a SERVICE call would be one."""

    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def bait_server():
    """A tiny HTTP server on 127.0.0.1 that only counts requests."""
    handler = type("Counter", (_Counter,), {"hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", handler.hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
])
def test_service_never_reaches_another_server(live_server, bait_server, template):
    url, hits = bait_server
    urllib.request.urlopen(url, timeout=5).close()  # the bait answers: it would count a call
    assert hits == ["/"]
    hits.clear()
    query = template.format(url=url)
    request = urllib.request.Request(
        live_server + "/sparql?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
    assert b"SERVICE" in refused.value.read()
    assert hits == []
