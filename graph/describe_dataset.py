"""What the endpoint and the data are, as RDF: a SPARQL 1.1 Service Description for the
endpoint and a VoID + DCAT description of the dataset.

Both are rdflib graphs, serialised by rdflib's own serialisers. The counts in the VoID come from
bounded queries through the store (time limit and row cap apply as for every other query).
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from .store import Store, literal

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
AG = Namespace("https://w3id.org/akteursgraph/ontology#")

#: W3C format IRIs for every answer format the endpoint writes (see graph.store.answer).
RESULT_FORMATS = [FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML,
                  FORMATS.SPARQL_Results_CSV, FORMATS.SPARQL_Results_TSV, FORMATS.Turtle,
                  FORMATS["N-Triples"], FORMATS["JSON-LD"], FORMATS.RDF_XML]
#: Vocabularies the data is written in (namespace IRIs, as void:vocabulary expects).
VOCABULARIES = ["https://w3id.org/akteursgraph/ontology#", "http://www.w3.org/ns/org#",
                "https://schema.org/", "http://www.w3.org/2004/02/skos/core#",
                "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/",
                "http://xmlns.com/foaf/0.1/"]
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")

# No source document states a licence so far; say so rather than guess one.
LICENCE_NOT_STATED = (
    Literal("Lizenz im Quelldokument nicht angegeben.", lang="de"),
    Literal("Licence not stated in the source document.", lang="en"))
DATASET_RIGHTS = (
    Literal("Für diesen Datensatz ist keine Lizenz erklärt. Jede Aussage nennt ihr "
            "Quelldokument (dct:source); deren Lizenzen sind dort vermerkt oder als "
            "nicht angegeben gekennzeichnet.", lang="de"),
    Literal("No licence has been declared for this dataset. Every statement names its source "
            "document (dct:source); their licences are given there or marked as not stated.",
            lang="en"))

_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Every entity is an IRI in the base namespace with a type; ?base is bound by the engine.
_CLASSES = """SELECT ?base ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base))
} GROUP BY ?base ?class ORDER BY ?class"""
_ENTITIES = """SELECT ?base (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?base))
} GROUP BY ?base"""
_SOURCES = """PREFIX ag: <https://w3id.org/akteursgraph/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?doc ?p ?value WHERE {
  ?doc a ag:SourceDocument .
  VALUES ?p { dct:title dct:date dct:publisher dct:license dct:source }
  OPTIONAL { ?doc ?p ?value }
} ORDER BY ?doc ?p"""


def _bind(graph: Graph) -> Graph:
    for prefix, namespace in [("sd", SD), ("formats", FORMATS), ("void", VOID), ("dcat", DCAT),
                              ("dct", DCTERMS), ("foaf", FOAF), ("ag", AG)]:
        graph.bind(prefix, namespace)
    return graph


def service_description(*, endpoint: str, void_document: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    graph = _bind(Graph())
    service = URIRef(endpoint)
    dataset = URIRef(void_document + "#dataset")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for fmt in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, fmt))
    graph.add((service, DCTERMS.title, Literal("akteursgraph – SPARQL-Endpunkt", lang="de")))
    graph.add((service, DCTERMS.title, Literal("akteursgraph – SPARQL endpoint", lang="en")))
    graph.add((service, RDFS.comment, Literal(
        "Nur lesend: SPARQL Update, SERVICE und die Parameter default-graph-uri/"
        "named-graph-uri werden abgelehnt. Der Standardgraph ist die Vereinigung aller "
        "benannten Graphen (ein Graph je Quelldokument).", lang="de")))
    graph.add((service, RDFS.comment, Literal(
        "Read-only: SPARQL Update, SERVICE and the default-graph-uri/named-graph-uri "
        "parameters are refused. The default graph is the union of all named graphs (one "
        "graph per source document).", lang="en")))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.seeAlso, URIRef(void_document)))
    return graph


def dataset_description(store: Store, *, void_document: str, endpoint: str, home: str,
                        timeout: float | None = None, row_cap: int | None = None) -> Graph:
    """VoID + DCAT for the data in ``store``; counts come from bounded queries."""
    base_iri = store.settings.base_iri
    bounds = {"timeout": timeout, "row_cap": row_cap}
    base = {"base": literal(base_iri)}
    graph = _bind(Graph())
    dataset = URIRef(void_document + "#dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(
        "Akteursgraph der öffentlichen Digitalisierung in Deutschland", lang="de")))
    graph.add((dataset, DCTERMS.title, Literal(
        "Actor graph of public-sector digitalisation in Germany", lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(
        "Wissensgraph der Personen, Stellen, Verbände und Programme hinter der Digitalisierung "
        "von Bund, Ländern und Kommunen. Jede Aussage ist mit ihrer Textstelle und ihrem "
        "Quelldokument belegt.", lang="de")))
    graph.add((dataset, DCTERMS.description, Literal(
        "Knowledge graph of the people, bodies, associations and programmes behind the "
        "digitalisation of Germany's federal, state and municipal administrations. Every "
        "statement is backed by its passage and source document.", lang="en")))
    for rights in DATASET_RIGHTS:
        graph.add((dataset, DCTERMS.rights, rights))
    graph.add((dataset, DCAT.landingPage, URIRef(home)))
    graph.add((dataset, FOAF.homepage, URIRef(home)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, VOID.uriSpace, Literal(base_iri)))
    for vocabulary in VOCABULARIES:
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))

    triples = store.query(_TRIPLES, **bounds).records()
    graph.add((dataset, VOID.triples, Literal(int(triples[0]["n"]), datatype=XSD.integer)))
    entities = store.query(_ENTITIES, bindings=base, **bounds).records()
    count = int(entities[0]["n"]) if entities else 0
    graph.add((dataset, VOID.entities, Literal(count, datatype=XSD.integer)))
    for row in store.query(_CLASSES, bindings=base, **bounds).records():
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(row["class"])))
        graph.add((partition, VOID.entities, Literal(int(row["n"]), datatype=XSD.integer)))

    _add_sources(graph, dataset, store, bounds)
    _add_distribution(graph, dataset, endpoint)
    return graph


def _add_sources(graph: Graph, dataset: URIRef, store: Store, bounds: dict) -> None:
    """Each source document with its title, date, publisher and licence (or that none is
    stated)."""
    licensed: dict[URIRef, bool] = {}
    for row in store.query(_SOURCES, **bounds).bindings:
        doc = URIRef(row["doc"]["value"])
        graph.add((dataset, DCTERMS.source, doc))
        graph.add((doc, RDF.type, AG.SourceDocument))
        licensed.setdefault(doc, False)
        if "value" not in row:
            continue
        prop = URIRef(row["p"]["value"])
        graph.add((doc, prop, _term(row["value"])))
        if prop == DCTERMS.license:
            licensed[doc] = True
    for doc, has_licence in licensed.items():
        if not has_licence:
            for note in LICENCE_NOT_STATED:
                graph.add((doc, DCTERMS.rights, note))


def _add_distribution(graph: Graph, dataset: URIRef, endpoint: str) -> None:
    service = URIRef(endpoint)
    distribution = URIRef(endpoint + "#distribution")
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, Literal("SPARQL-Endpunkt", lang="de")))
    graph.add((distribution, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    graph.add((distribution, DCAT.accessURL, service))
    graph.add((distribution, DCAT.accessService, service))
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCAT.endpointURL, service))
    graph.add((service, DCAT.endpointDescription, service))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))


def _term(term: dict):
    """A SPARQL-JSON term as an rdflib term (IRIs, blank nodes, typed and tagged literals)."""
    if term["type"] == "uri":
        return URIRef(term["value"])
    if term["type"] == "bnode":
        return BNode(term["value"])
    datatype = term.get("datatype")
    return Literal(term["value"], lang=term.get("xml:lang"),
                   datatype=URIRef(datatype) if datatype else None)
