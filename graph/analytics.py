"""Network analysis of the entity graph with networkx: extraction, paths, GraphML."""
from __future__ import annotations

import io

import networkx as nx

from .store import Store

AG = "https://w3id.org/akteursgraph/ontology#"

#: Entity-to-entity edges: both ends carry an ag: class; assertion nodes and the ontology
#: are left out. Labels prefer German.
ENTITY_EDGES = """
PREFIX ag: <https://w3id.org/akteursgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?o) && ?p != rdf:type && ?p != rdf:subject && ?p != rdf:object
         && ?p != <http://www.w3.org/ns/prov#wasDerivedFrom>)
  ?s a ?sc . FILTER(STRSTARTS(STR(?sc), STR(ag:)) && ?sc != ag:Assertion)
  ?o a ?oc . FILTER(STRSTARTS(STR(?oc), STR(ag:)) && ?oc != ag:Assertion)
}
"""
ENTITY_NODES = """
PREFIX ag: <https://w3id.org/akteursgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?e ?class (SAMPLE(?l) AS ?label) WHERE {
  ?e a ?class . FILTER(STRSTARTS(STR(?class), STR(ag:)) && ?class != ag:Assertion
                       && ?class != ag:Status)
  OPTIONAL { ?e rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "de")) }
} GROUP BY ?e ?class
"""


def entity_network(store: Store, *, limit: int | None = 100_000) -> nx.MultiDiGraph:
    """The entities as nodes (attributes ``kind`` and ``label``) and their relations as edges
    (attribute ``relation``)."""
    cap = limit or 10**9
    network = nx.MultiDiGraph()
    for row in store.query(ENTITY_NODES, row_cap=cap, timeout=600).records():
        network.add_node(row["e"], kind=row["class"].removeprefix(AG),
                         label=row.get("label", row["e"].rsplit("/", 1)[-1]))
    for row in store.query(ENTITY_EDGES, row_cap=cap, timeout=600).records():
        if row["s"] in network and row["o"] in network:
            network.add_edge(row["s"], row["o"], key=row["p"], relation=_short(row["p"]))
    return network


def _short(iri: str) -> str:
    from .validation import short

    return short(iri)


def to_graphml(network: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(network, out, encoding="utf-8")
    return out.getvalue()
