"""The entity network read from the store: bounded queries, once per store generation.

A page never builds the network itself: :class:`NetworkCache` keeps the one built for the
store's current generation (the path of its ``summary.json`` artifact names the generation) and
builds again only when a new generation is swapped in; a remote endpoint, which has no
generations, is re-read after ``ttl`` seconds. Source passages are not kept in the network —
:func:`statement_sources` fetches those of one fact when someone asks.
"""
from __future__ import annotations

import gc
import threading
import time
from collections import defaultdict

import networkx as nx

from .analytics import AG, EntityNetwork
from .store import Store, iri

PREFIXES = """PREFIX ag: <https://w3id.org/akteursgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
#: Entities: everything with an ag: class except the bookkeeping ones.
NODES = PREFIXES + """SELECT ?e ?kind WHERE {
  ?e a ?kind .
  FILTER(STRSTARTS(STR(?kind), STR(ag:))
         && ?kind NOT IN (ag:Assertion, ag:Status, ag:SourceDocument))
}"""
#: Names of entities, classes and properties (the ontology is part of the store).
LABELS = PREFIXES + "SELECT ?e ?label WHERE { ?e rdfs:label ?label }"
ALT_LABELS = PREFIXES + "SELECT ?e ?label WHERE { ?e skos:altLabel ?label }"
TITLES = PREFIXES + "SELECT ?e ?label WHERE { ?e a ag:SourceDocument ; dct:title ?label }"
LANDS = PREFIXES + "SELECT ?e ?land WHERE { ?e ag:inState ?land }"
STATUS = PREFIXES + "SELECT ?e ?status WHERE { ?e ag:status ?status }"
ISO_CODES = PREFIXES + "SELECT ?e ?iso WHERE { ?e ag:isoCode ?iso }"
#: Every fact between two IRIs whose property the ontology names, with the source document it
#: is stated in (each source document is a named graph). Binding ?p through the ontology lets
#: the engine use its predicate index: 1.5-2.5 s for 140 k facts in 1 M statements, where a
#: join over the ag:Assertion nodes took 16 s.
FACTS = PREFIXES + """SELECT ?s ?p ?o ?source WHERE {
  GRAPH <https://w3id.org/akteursgraph/ontology> { ?p rdfs:label ?name FILTER(LANG(?name) = "de") }
  GRAPH ?source { ?s ?p ?o }
  FILTER(isIRI(?o))
}"""
#: The facts that are inferred rather than written in a source (few).
INFERRED = PREFIXES + """SELECT ?s ?p ?o WHERE {
  ?a ag:inferred true ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
}"""
#: The passages one fact was taken from; ?s ?p ?o are bound (and projected, so that a
#: remote endpoint can bind them with VALUES).
SOURCES_OF_FACT = PREFIXES + """SELECT ?s ?p ?o ?passage ?source ?title ?inferred ?reason
       ?confidence WHERE {
  ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?a ag:passage ?passage }
  OPTIONAL { ?a prov:wasDerivedFrom ?source OPTIONAL { ?source dct:title ?title } }
  OPTIONAL { ?a ag:inferred ?inferred }
  OPTIONAL { ?a ag:inferenceReason ?reason }
  OPTIONAL { ?a ag:confidence ?confidence }
}"""

#: Rows one extraction query may return; a network past this is marked truncated.
ROW_CAP = 5_000_000
BUILD_TIMEOUT = 300.0


def load_network(store: Store, *, row_cap: int | None = None,
                 timeout: float = BUILD_TIMEOUT) -> EntityNetwork:
    """Reads the entity network from ``store`` with a handful of bounded queries."""
    cap = row_cap or ROW_CAP
    truncated = False

    def rows(query: str):
        nonlocal truncated
        answer = store.query(query, row_cap=cap, timeout=timeout)
        truncated |= answer.truncated
        return answer.bindings

    graph = nx.MultiDiGraph()
    for row in rows(NODES):
        graph.add_node(row["e"]["value"], kind=row["kind"]["value"][len(AG):],
                       lands=frozenset(), status="")
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    names: dict[str, set[str]] = defaultdict(set)
    for query in (LABELS, TITLES, ALT_LABELS):
        for row in rows(query):
            entity, term = row["e"]["value"], row["label"]
            if query is not ALT_LABELS:
                labels[entity].setdefault(term.get("xml:lang", ""), term["value"])
            if entity in graph:
                names[term["value"].casefold()].add(entity)
    for node, data in graph.nodes(data=True):
        data["label"] = labels.get(node, {}).get("de") or next(
            iter(labels.get(node, {}).values()), node.rsplit("/", 1)[-1])
    in_land = defaultdict(set)
    for row in rows(LANDS):
        in_land[row["e"]["value"]].add(row["land"]["value"])
    for node, lands in in_land.items():
        if node in graph:
            graph.nodes[node]["lands"] = frozenset(lands)
    for row in rows(STATUS):
        node = row["e"]["value"]
        if node in graph:
            graph.nodes[node]["status"] = row["status"]["value"].rsplit("#", 1)[-1]
    for row in rows(ISO_CODES):
        node = row["e"]["value"]
        if node in graph:
            graph.nodes[node]["iso"] = row["iso"]["value"]
    inferred = {(r["s"]["value"], r["p"]["value"], r["o"]["value"]) for r in rows(INFERRED)}
    for row in rows(FACTS):
        s, p, o = row["s"]["value"], row["p"]["value"], row["o"]["value"]
        if s not in graph or o not in graph:
            continue
        source = row["source"]["value"]
        data = graph.get_edge_data(s, o, key=p)
        if data is None:
            graph.add_edge(s, o, key=p, sources=(source,), inferred=(s, p, o) in inferred)
        elif source not in data["sources"]:  # stated by several sources
            data["sources"] += (source,)
    return EntityNetwork(graph=graph, labels=dict(labels), names=dict(names),
                         truncated=truncated)


def statement_sources(store: Store, subject: str, predicate: str, obj: str) -> list[dict]:
    """Where one fact was found: passage, source document and title, and for an inferred
    fact the reason and confidence. One entry per source document."""
    answer = store.query(SOURCES_OF_FACT, bindings={
        "s": iri(subject), "p": iri(predicate), "o": iri(obj)}, row_cap=200)
    found: dict[tuple, dict] = {}
    for row in answer.bindings:
        value = {name: term["value"] for name, term in row.items()}
        key = (value.get("source"), value.get("passage"))
        entry = found.setdefault(key, {
            "passage": value.get("passage", ""), "source": value.get("source", ""),
            "title": "", "inferred": value.get("inferred") in ("true", "1"),
            "reason": value.get("reason", ""), "confidence": value.get("confidence", "")})
        title = row.get("title")
        if title and (not entry["title"] or title.get("xml:lang") == "de"):
            entry["title"] = title["value"]
    return list(found.values())


class NetworkCache:
    """The entity network of a store's current generation, built on first use."""

    def __init__(self, *, ttl: float = 300.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._network: EntityNetwork | None = None
        self._built_at = 0.0
        self.build_seconds = 0.0

    def get(self, store: Store) -> EntityNetwork:
        generation = store.artifact("summary.json")
        key = (id(store), str(generation) if generation else None)
        with self._lock:
            stale = key != self._key or (
                generation is None and time.monotonic() - self._built_at > self.ttl)
            if self._network is None or stale:
                started = time.perf_counter()
                # The network lives until the next build: keep the collector from walking its
                # millions of objects on every request (pauses of 0.1-0.2 s at 1 M statements);
                # the previous one is let go first, so that it can be collected.
                self._network = None
                gc.unfreeze()
                self._network = load_network(store)
                gc.collect()
                gc.freeze()
                self.build_seconds = time.perf_counter() - started
                self._key, self._built_at = key, time.monotonic()
            return self._network

    def read_in_background(self, store: Store, say=lambda message: None) -> None:
        """Reads the network in a thread of its own, so that the first visitor of a network
        page does not wait for it (6 s at 1 M statements, 18 s at 5 M); a page asked for
        meanwhile waits for this one reading instead of starting another."""
        def read() -> None:
            started = time.perf_counter()
            try:
                self.get(store)
            except Exception as error:  # noqa: BLE001 - the pages report it when they need it
                say(f"entity network not read at start: {error}")
                return
            say(f"entity network ready in {time.perf_counter() - started:.1f} s")

        threading.Thread(target=read, name="network-warm-up", daemon=True).start()
