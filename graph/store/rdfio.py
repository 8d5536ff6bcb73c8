"""Reading and writing RDF files, with pyoxigraph's parsers and serialisers.

pyoxigraph parses Turtle, TriG and JSON-LD without ever fetching a remote or ``file:`` JSON-LD
context, in linear time, and reports the file, line and column of a syntax error.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import DataError

#: file suffix -> pyoxigraph format, for the source files a build reads.
SOURCE_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
}
#: export name -> pyoxigraph format, for whole-dataset dumps.
DUMP_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOURCE_DOCUMENT = ox.NamedNode("https://w3id.org/akteursgraph/ontology#SourceDocument")


def read_quads(path: Path, *, display: str | None = None, into_graph: str | None = None) -> list:
    """Parses one source file into quads.

    Triples outside a named graph go to ``into_graph`` if given, else to the one
    ``ag:SourceDocument`` the file describes (that document's named graph holds its facts); a
    file of bare triples that describes none, or several, is an error.
    """
    name = display or str(path)
    fmt = SOURCE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"unknown format '{path.suffix}'", file=name,
                        hint=f"use one of {', '.join(sorted(SOURCE_FORMATS))}")
    try:
        quads = list(ox.parse(path=str(path), format=fmt))
    except SyntaxError as error:
        line, column = _position(error)
        message = str(error.msg if hasattr(error, "msg") else error)
        if "LoadDocumentCallback" in message:  # pyoxigraph's words for an outside @context
            raise DataError("the JSON-LD @context (or @import) names another document, which "
                            "is never fetched", file=name,
                            hint="write the context inline in the file") from None
        raise DataError(message, file=name, line=line, column=column,
                        hint="fix the syntax there and build again") from None
    except (OSError, ValueError) as error:
        raise DataError(str(error), file=name, hint="check that the file is readable") from None
    if into_graph:
        graph = ox.NamedNode(into_graph)
        return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]
    return _into_source_graph(quads, name)


def _position(error: SyntaxError) -> tuple[int | None, int | None]:
    args = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], tuple) else ()
    line = args[1] if len(args) > 1 else getattr(error, "lineno", None)
    column = args[2] if len(args) > 2 else getattr(error, "offset", None)
    return line, column


def _into_source_graph(quads: list, name: str) -> list:
    if all(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        return quads
    documents = {q.subject for q in quads
                 if q.predicate == RDF_TYPE and q.object == SOURCE_DOCUMENT}
    if len(documents) != 1:
        raise DataError(
            f"has triples outside a named graph and describes {len(documents)} "
            "ag:SourceDocument(s), so their source is unknown", file=name,
            hint="describe exactly one ag:SourceDocument in the file, or use TriG with one "
                 "named graph per source document")
    (document,) = documents
    return [ox.Quad(q.subject, q.predicate, q.object, document)
            if isinstance(q.graph_name, ox.DefaultGraph) else q for q in quads]


def merged_default_graph(quads):
    """The triples of every named graph, as quads in the default graph (a set once stored)."""
    default = ox.DefaultGraph()
    return (ox.Quad(q.subject, q.predicate, q.object, default) for q in quads)


def quads_to_ntriples(quads) -> bytes:
    """The triples of ``quads`` (graph names dropped) as N-Triples."""
    return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                        format=ox.RdfFormat.N_TRIPLES)


def quads_to_nquads(quads) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def graph_name(quad) -> str:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""


def subject_iri(quad) -> str:
    return quad.subject.value


def predicate_iri(quad) -> str:
    return quad.predicate.value


def object_iri(quad) -> str | None:
    return quad.object.value if isinstance(quad.object, ox.NamedNode) else None
