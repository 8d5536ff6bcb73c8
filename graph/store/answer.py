"""What a query returns, in standard formats only.

Solutions travel as SPARQL 1.1 TSV and triples as N-Triples: both are lossless and hold one
answer row per line, so an answer can be cut after its row cap without parsing it. Every other
format is produced from those by pyoxigraph's own parsers and serialisers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from .errors import QueryFailed

#: name -> (pyoxigraph format, media type) for SELECT and ASK answers.
RESULT_FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}
#: name -> (pyoxigraph format, media type) for CONSTRUCT and DESCRIBE answers.
GRAPH_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
#: Prefixes written into Turtle answers, so they read like the ontology.
PREFIXES = {
    "ag": "https://w3id.org/akteursgraph/ontology#",
    "id": "https://w3id.org/akteursgraph/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


@dataclass(frozen=True)
class Answer:
    """The answer to one query: ``form`` is ``select``, ``ask`` or ``graph``."""

    form: str
    payload: bytes = b""  # TSV (select) or N-Triples (graph)
    boolean: bool | None = None
    truncated: bool = False

    @cached_property
    def variables(self) -> list[str]:
        if self.form != "select":
            return []
        header = self.payload.split(b"\n", 1)[0].decode()
        return [name.lstrip("?$") for name in header.split("\t") if name]

    @cached_property
    def bindings(self) -> list[dict[str, dict]]:
        """Rows in the SPARQL 1.1 JSON results shape: ``{var: {"type", "value", ...}}``."""
        if self.form != "select":
            return []
        return json.loads(self.serialize("json")[0])["results"]["bindings"]

    def records(self) -> list[dict[str, str]]:
        """Rows as plain ``{var: value}`` (IRIs and literal values alike, unbound left out)."""
        return [{k: t["value"] for k, t in row.items()} for row in self.bindings]

    def __len__(self) -> int:
        if self.form == "ask":
            return 1
        lines = self.payload.count(b"\n")
        return lines - 1 if self.form == "select" else lines

    @cached_property
    def triples(self) -> list[tuple[dict, dict, dict]]:
        """CONSTRUCT/DESCRIBE triples, each term in the SPARQL JSON term shape."""
        if self.form != "graph":
            return []
        parsed = ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES)
        return [(term_dict(t.subject), term_dict(t.predicate), term_dict(t.object))
                for t in parsed]

    def formats(self) -> dict[str, tuple[object, str]]:
        return GRAPH_FORMATS if self.form == "graph" else RESULT_FORMATS

    def serialize(self, fmt: str) -> tuple[bytes, str]:
        """Returns (body, media type) in one of :meth:`formats`."""
        try:
            ox_format, media_type = self.formats()[fmt]
        except KeyError:
            raise ValueError(f"unknown format {fmt!r} for a {self.form} answer; "
                             f"choose one of {', '.join(self.formats())}") from None
        if self.form == "ask":
            body = ox.parse_query_results(
                b'{"head":{},"boolean":%s}' % (b"true" if self.boolean else b"false"),
                format=ox.QueryResultsFormat.JSON)
            return body.serialize(format=ox_format), media_type
        if self.form == "select":
            if fmt == "tsv":
                return self.payload, media_type
            solutions = ox.parse_query_results(self.payload, format=ox.QueryResultsFormat.TSV)
            return solutions.serialize(format=ox_format), media_type
        if fmt == "nt":
            return self.payload, media_type
        triples = ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox_format, prefixes=PREFIXES), media_type


def term_dict(term) -> dict:
    """A pyoxigraph term in the SPARQL 1.1 JSON results term shape."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    raise QueryFailed(f"unsupported term in answer: {term!r}")


def to_ox_term(term: dict):
    """The inverse of :func:`term_dict`: used to bind query parameters."""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in term:
        return ox.Literal(value, language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(value, datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(value)


def iri(value: str) -> dict:
    """A query parameter that is an IRI (validated when bound)."""
    return {"type": "uri", "value": value}


def literal(value: str, *, lang: str | None = None, datatype: str | None = None) -> dict:
    """A query parameter that is a literal."""
    out = {"type": "literal", "value": str(value)}
    if lang:
        out["xml:lang"] = lang
    elif datatype:
        out["datatype"] = datatype
    return out
