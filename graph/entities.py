"""What the graph says about one entity, with the source of every statement.

:func:`describe` asks a few bounded queries, the entity always bound as ``?e`` (never pasted
into the text): its outgoing statements, its incoming ones, the ``ag:Assertion`` nodes that
carry their provenance and, for an ``ag:SourceDocument``, the statements taken from it.
Relation kinds are named by the ``rdfs:label`` the ontology gives each property.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .search import AG, facets
from .store import PREFIXES, Store, iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
SCHEMA = "https://schema.org/"
CONTACT = [SCHEMA + name for name in ("email", "telephone", "url", "address")]
#: Shown in the heading of the page, not as relations.
NAMING = {RDF + "type", RDFS_LABEL, ALT_LABEL}
#: How many statements one page shows: all of an entity's own (its names and kinds among
#: them) up to MAX_OUTGOING, and MAX_INCOMING of those about it — a Land has tens of
#: thousands at national scale (0.8 s and 1.8 MB for Bayern at 5 M statements with 2,000).
#: A cut page links to the whole list instead (:func:`all_statements_query`).
MAX_OUTGOING = 1000
MAX_INCOMING = 200

_OTHER_END = """
  OPTIONAL { ?o a ?kind FILTER(STRSTARTS(STR(?kind), STR(ag:)) && ?kind != ag:Assertion) }
  OPTIONAL { ?o rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "de") || LANG(?label) = "") }
  OPTIONAL { ?o rdfs:label ?label_en FILTER(LANGMATCHES(LANG(?label_en), "en")) }
  OPTIONAL { ?o dct:title ?title }
  OPTIONAL { ?p rdfs:label ?p_label FILTER(LANGMATCHES(LANG(?p_label), "de")) }
  OPTIONAL { ?p rdfs:label ?p_label_en FILTER(LANGMATCHES(LANG(?p_label_en), "en")) }"""
OUTGOING = """SELECT ?e ?p ?o ?kind ?label ?label_en ?title ?p_label ?p_label_en
WHERE { ?e ?p ?o . %s }""" % _OTHER_END
# ?o is the subject here, so that both directions share the columns.
INCOMING = """SELECT ?e ?p ?o ?kind ?label ?label_en ?title ?p_label ?p_label_en
WHERE { ?o ?p ?e . FILTER(isIRI(?o)) %s }""" % _OTHER_END
_EVIDENCE = """
  OPTIONAL { ?a prov:wasDerivedFrom ?source OPTIONAL { ?source dct:title ?source_title } }
  OPTIONAL { ?a ag:passage ?passage }
  OPTIONAL { ?a ag:inferred ?inferred }
  OPTIONAL { ?a ag:inferenceReason ?reason }
  OPTIONAL { ?a ag:confidence ?confidence }"""
# Measured on 1.8 M statements: a UNION before the join, or "?a a ag:Assertion", makes
# Oxigraph scan every assertion (2–7 s); VALUES over the two links stays under a millisecond.
_ABOUT_E = "VALUES ?link { rdf:subject rdf:object } ?a ?link ?e ."
#: The evidence of the entity's own statements (?link rdf:subject) or of those about it
#: (rdf:object), asked for apart so that each is cut at what its side of the page shows.
PROVENANCE = """SELECT ?e ?a ?s ?p ?o ?source ?source_title ?passage ?inferred ?reason ?confidence
WHERE {
  ?a %s ?e ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . %s
}"""
PROVENANCE_OWN = PROVENANCE % ("rdf:subject", _EVIDENCE)
PROVENANCE_ABOUT = PROVENANCE % ("rdf:object", _EVIDENCE)
FROM_SOURCE = """SELECT ?e ?a ?s ?p ?o ?s_label ?o_label ?p_label ?p_label_en
       ?passage ?inferred ?reason ?confidence
WHERE {
  ?a prov:wasDerivedFrom ?e ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?s rdfs:label ?s_label FILTER(LANGMATCHES(LANG(?s_label), "de")) }
  OPTIONAL { ?o rdfs:label ?o_label FILTER(LANGMATCHES(LANG(?o_label), "de")) }
  OPTIONAL { ?p rdfs:label ?p_label FILTER(LANGMATCHES(LANG(?p_label), "de")) }
  OPTIONAL { ?p rdfs:label ?p_label_en FILTER(LANGMATCHES(LANG(?p_label_en), "en")) }
  OPTIONAL { ?a ag:passage ?passage }
  OPTIONAL { ?a ag:inferred ?inferred }
  OPTIONAL { ?a ag:inferenceReason ?reason }
  OPTIONAL { ?a ag:confidence ?confidence }
}"""  # no ORDER BY: it would sort every statement of a big source before the row cap
#: The entity's statements in both directions and the assertion nodes about them, as RDF.
AS_RDF = """CONSTRUCT { ?e ?p ?o . ?s ?q ?e . ?a ?ap ?av }
WHERE { { ?e ?p ?o } UNION { ?s ?q ?e FILTER(isIRI(?s)) } UNION { %s ?a ?ap ?av } }""" % _ABOUT_E


@dataclass
class Node:
    """One end of a statement: an IRI (with label and kind where known) or a literal."""

    value: str
    is_iri: bool
    label: str | None = None
    label_en: str | None = None
    kind: str | None = None
    slug: str | None = None  # for IRIs under the base IRI: the viewer's /id/<slug>
    datatype: str | None = None
    lang: str | None = None


@dataclass
class Evidence:
    source: str | None
    source_title: str | None
    passage: str | None
    inferred: bool = False
    reason: str | None = None
    confidence: float | None = None


@dataclass
class Relation:
    other: Node
    evidence: list[Evidence] = field(default_factory=list)
    inferred: bool = field(init=False)  # only inferred: no source states it in words

    def __post_init__(self):
        self.inferred = bool(self.evidence) and all(e.inferred for e in self.evidence)


@dataclass
class RelationGroup:
    predicate: str
    label: str
    label_en: str
    direction: str  # "out": entity → other; "in": other → entity
    relations: list[Relation] = field(default_factory=list)


@dataclass
class Statement:
    """A statement taken from a source document, for the document's own page."""

    subject: Node
    predicate: str
    label: str
    label_en: str
    object: Node
    evidence: Evidence


@dataclass
class Entity:
    iri: str
    slug: str | None
    kind: str | None
    label: str
    label_en: str | None
    alt_labels: list[str]
    lands: list[Node]
    status: list[Node]
    contact: list[RelationGroup]
    outgoing: list[RelationGroup]
    incoming: list[RelationGroup]
    statements: list[Statement] = field(default_factory=list)
    truncated: bool = False  # more statements than a page shows
    evidence_truncated: bool = False  # a relation without evidence may have some unshown


def describe(store: Store, entity_iri: str) -> Entity | None:
    """Everything the graph says about ``entity_iri``, or None if it says nothing."""
    bound = {"e": iri(entity_iri)}
    cap = min(MAX_OUTGOING, store.settings.row_cap)
    out = store.query(OUTGOING, bindings=bound, row_cap=cap)
    incoming = store.query(INCOMING, bindings=bound, row_cap=min(MAX_INCOMING, cap))
    if not out.bindings and not incoming.bindings:
        return None
    own = store.query(PROVENANCE_OWN, bindings=bound, row_cap=cap * 2)
    about = store.query(PROVENANCE_ABOUT, bindings=bound, row_cap=MAX_INCOMING * 2)
    evidence = _evidence(own.bindings + about.bindings)
    base = store.settings.base_iri
    naming = [row for row in out.bindings if row["p"]["value"] in NAMING]
    kinds = sorted(r["o"]["value"][len(AG):] for r in naming
                   if r["p"]["value"] == RDF + "type" and r["o"]["value"].startswith(AG))
    labels = _labels(naming)
    outgoing = _groups(out.bindings, "out", entity_iri, evidence, base)
    entity = Entity(
        iri=entity_iri, slug=_slug(entity_iri, base), kind=kinds[0] if kinds else None,
        label=labels.get("de") or labels.get("") or labels.get("en") or _title(out.bindings)
        or _slug(entity_iri, base) or entity_iri,
        label_en=labels.get("en"),
        alt_labels=sorted({r["o"]["value"] for r in naming if r["p"]["value"] == ALT_LABEL}),
        lands=_objects(outgoing, AG + "inState"), status=_objects(outgoing, AG + "status"),
        contact=[g for g in outgoing if g.predicate in CONTACT],
        outgoing=[g for g in outgoing if g.predicate not in CONTACT],
        incoming=_groups(incoming.bindings, "in", entity_iri, evidence, base),
        truncated=out.truncated or incoming.truncated,
        evidence_truncated=own.truncated or about.truncated)
    if entity.kind == "SourceDocument":
        taken = store.query(FROM_SOURCE, bindings=bound, row_cap=cap)
        entity.statements = _statements(taken.bindings, base)
        entity.truncated = entity.truncated or taken.truncated
    return entity


def all_statements_query(entity_iri: str) -> str:
    """A SPARQL query for every statement about the entity, for the workbench (an IRI the
    store holds, so it is a well-formed IRI reference)."""
    return ("SELECT ?subject ?relation ?object WHERE {\n"
            f"  {{ BIND(<{entity_iri}> AS ?subject) ?subject ?relation ?object }}\n"
            f"  UNION {{ BIND(<{entity_iri}> AS ?object) ?subject ?relation ?object "
            "FILTER(isIRI(?subject)) }\n}")


def as_rdf(store: Store, entity_iri: str):
    """The entity's statements and their assertion nodes: an Answer for ``serialize()``."""
    return store.query(AS_RDF, bindings={"e": iri(entity_iri)},
                       row_cap=min(MAX_OUTGOING * 10, store.settings.row_cap))


def _key(term: dict) -> tuple:
    return (term["type"], term["value"], term.get("datatype"), term.get("xml:lang"))


def _evidence(rows: list[dict]) -> dict[tuple, list[Evidence]]:
    """(subject, predicate, object) keys -> the evidence of each assertion about it."""
    by_assertion: dict[tuple, Evidence] = {}
    for row in rows:
        fact = (row["s"]["value"], row["p"]["value"], _key(row["o"]))
        value = lambda name: row[name]["value"] if name in row else None  # noqa: E731
        found = by_assertion.setdefault((fact, row["a"]["value"]), Evidence(
            value("source"), value("source_title"), value("passage"),
            value("inferred") in ("true", "1"), value("reason"),
            float(value("confidence")) if value("confidence") else None))
        found.source_title = found.source_title or value("source_title")
    facts: dict[tuple, list[Evidence]] = {}
    for (fact, _), found in by_assertion.items():
        facts.setdefault(fact, []).append(found)
    for found in facts.values():
        found.sort(key=lambda e: (e.inferred, e.source or "", e.passage or ""))
    return facts


def _groups(rows, direction, entity_iri, evidence, base) -> list[RelationGroup]:
    groups: dict[str, RelationGroup] = {}
    relations: dict[tuple, Relation] = {}
    for row in rows:
        predicate = row["p"]["value"]
        if direction == "out" and predicate in NAMING:
            continue
        group = groups.setdefault(predicate, RelationGroup(
            predicate, _value(row, "p_label") or curie(predicate),
            _value(row, "p_label_en") or _value(row, "p_label") or curie(predicate), direction))
        key = (predicate, _key(row["o"]))
        if key not in relations:
            fact = ((entity_iri, predicate, _key(row["o"])) if direction == "out"
                    else (row["o"]["value"], predicate, _key({"type": "uri", "value": entity_iri})))
            relations[key] = Relation(_node(row["o"], base), evidence.get(fact, []))
            group.relations.append(relations[key])
        _enrich(relations[key].other, row)
    for group in groups.values():
        group.relations.sort(key=lambda r: ((r.other.label or r.other.value).casefold()))
    return sorted(groups.values(), key=lambda g: (g.label.casefold(), g.predicate))


def _statements(rows: list[dict], base: str) -> list[Statement]:
    seen: dict[str, Statement] = {}
    rows = sorted(rows, key=lambda r: (r["s"]["value"], r["p"]["value"], r["o"]["value"]))
    for row in rows:
        subject, obj = _node(row["s"], base), _node(row["o"], base)
        subject.label, obj.label = _value(row, "s_label"), _value(row, "o_label")
        predicate = row["p"]["value"]
        seen.setdefault(row["a"]["value"], Statement(
            subject, predicate, _value(row, "p_label") or curie(predicate),
            _value(row, "p_label_en") or _value(row, "p_label") or curie(predicate), obj,
            Evidence(None, None, _value(row, "passage"),
                     _value(row, "inferred") in ("true", "1"), _value(row, "reason"),
                     float(row["confidence"]["value"]) if "confidence" in row else None)))
    return list(seen.values())


def _node(term: dict, base: str) -> Node:
    if term["type"] == "uri":
        return Node(term["value"], True, slug=_slug(term["value"], base))
    return Node(term["value"], False, datatype=term.get("datatype"), lang=term.get("xml:lang"))


def _enrich(node: Node, row: dict) -> None:
    """Fills in label and kind from one more row (OPTIONALs can spread them over rows)."""
    if node.is_iri:
        node.label = node.label or _value(row, "label") or _value(row, "title")
        node.label_en = node.label_en or _value(row, "label_en")
        kind = _value(row, "kind")
        if kind and kind.startswith(AG):
            node.kind = node.kind or kind[len(AG):]


def _objects(groups: list[RelationGroup], predicate: str) -> list[Node]:
    return [r.other for g in groups if g.predicate == predicate for r in g.relations]


def _labels(rows: list[dict]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: r["o"]["value"]):
        if row["p"]["value"] == RDFS_LABEL:
            labels.setdefault(row["o"].get("xml:lang", "").split("-")[0].lower(),
                              row["o"]["value"])
    return labels


def _title(rows: list[dict]) -> str | None:
    titles = sorted(r["o"]["value"] for r in rows
                    if r["p"]["value"] == "http://purl.org/dc/terms/title")
    return titles[0] if titles else None


def _value(row: dict, name: str) -> str | None:
    return row[name]["value"] if name in row else None


def _slug(value: str, base: str) -> str | None:
    return value[len(base):] if value.startswith(base) and "/" not in value[len(base):] else None


def curie(value: str) -> str:
    """``schema:email`` for https://schema.org/email; the IRI itself without a known prefix."""
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace) and len(value) > len(namespace):
            return f"{prefix}:{value[len(namespace):]}"
    return value


# -- the whole graph ------------------------------------------------------------------------
@dataclass
class SourceCount:
    iri: str
    slug: str | None
    title: str
    statements: int


@dataclass
class Overview:
    statements: int | None  # as built (summary.json); None for a remote store
    kinds: dict[str, int]
    lands: list
    sources: list[SourceCount]


SOURCES = """SELECT ?doc ?title ?label WHERE { ?doc a ag:SourceDocument .
  OPTIONAL { ?doc dct:title ?title } OPTIONAL { ?doc rdfs:label ?label } } ORDER BY ?doc"""
STATEMENTS_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def overview(store: Store) -> Overview:
    """What the graph holds: entities by kind and by Land, the source documents with their
    number of statements. From the build's artifacts where there are some."""
    summary = _summary(store)
    if summary is not None:
        per_source, total = summary["statements_per_source"], summary["triples"]
    else:
        per_source = {r["g"]: int(r["n"]) for r in store.query(STATEMENTS_PER_GRAPH).records()}
        total = None
    titles: dict[str, str] = {}
    for row in store.query(SOURCES, row_cap=5000).records():
        titles.setdefault(row["doc"], row.get("title") or row.get("label") or row["doc"])
    base = store.settings.base_iri
    sources = [SourceCount(doc, _slug(doc, base), title, int(per_source.get(doc, 0)))
               for doc, title in titles.items()]
    sources.sort(key=lambda s: (-s.statements, s.title.casefold()))
    found = facets(store)
    return Overview(total, found.kinds, found.lands, sources)


def _summary(store: Store) -> dict | None:
    path = store.artifact("summary.json")
    if path is None or not Path(path).is_file():
        return None
    return json.loads(Path(path).read_text(encoding="utf-8"))


KIND_LABELS = """SELECT ?t ?label ?label_en WHERE {
  ?t a ?what . FILTER(?what IN (owl:Class, ag:Status) && STRSTARTS(STR(?t), STR(ag:)))
  OPTIONAL { ?t rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "de")) }
  OPTIONAL { ?t rdfs:label ?label_en FILTER(LANGMATCHES(LANG(?label_en), "en")) }
}"""


def kind_labels(store: Store) -> dict[str, dict[str, str]]:
    """Class local name -> {"de": …, "en": …} from the ontology ("State" -> Land / federal
    state); status values too ("Planned" -> geplant / planned)."""
    out = {}
    for row in store.query(KIND_LABELS, row_cap=1000).records():
        name = row["t"][len(AG):]
        out[name] = {"de": row.get("label") or name,
                     "en": row.get("label_en") or row.get("label") or name}
    return out
