"""SHACL validation of source data against ``ontology/shapes``, with pyshacl.

Each violation names the entity, the property, the source file and the rule's message.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import RDF, Graph, Namespace, URIRef

from .settings import ROOT

ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "akteursgraph.ttl"
SHAPES_DIR = ONTOLOGY_DIR / "shapes"
SH = Namespace("http://www.w3.org/ns/shacl#")
SHORT = {
    "https://w3id.org/akteursgraph/id/": "id:",
    "https://w3id.org/akteursgraph/ontology#": "ag:",
    "https://schema.org/": "schema:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/ns/org#": "org:",
    "http://purl.org/dc/terms/": "dct:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
}


class ShapesBroken(Exception):
    """The shapes themselves are malformed (a defect of ontology/shapes, not of the data)."""


@dataclass(frozen=True)
class Violation:
    entity: str
    property: str
    files: tuple[str, ...]
    message: str
    severity: str = "Violation"

    def __str__(self) -> str:
        where = ", ".join(self.files) or "(unknown file)"
        prop = f" {self.property}" if self.property else ""
        return f"{where}: {self.entity}{prop}: {self.message}"


def short(iri: str) -> str:
    for long, prefix in SHORT.items():
        if iri.startswith(long):
            return prefix + iri[len(long):]
    return f"<{iri}>" if "://" in iri else iri


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    shapes = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def validate_ntriples(data: bytes, origins: dict[str, set[str]]) -> list[Violation]:
    """Validates N-Triples ``data`` (the union of all source graphs, ontology excluded).

    ``origins`` maps an entity IRI to the source files that state something about it.
    """
    graph = Graph()
    graph.parse(data=data, format="nt")
    conforms, report, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none",
        advanced=True, allow_warnings=True)
    if conforms:
        return []
    if not isinstance(report, Graph):  # pyshacl could not even run the shapes
        raise ShapesBroken(f"the SHACL shapes in {SHAPES_DIR} cannot be applied: {report}")
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = node = report.value(result, SH.focusNode)
        if not isinstance(focus, URIRef):  # an assertion node: name the fact's subject
            focus = graph.value(focus, RDF.subject) or focus
        path = report.value(result, SH.resultPath)
        if path is None:  # a node shape on the subjects of a property: name that property
            path = _targeted_property(graph, node, report.value(result, SH.sourceShape))
        severity = report.value(result, SH.resultSeverity)
        violations.append(Violation(
            entity=short(str(focus)),
            property=short(str(path)) if path is not None else "",
            files=tuple(sorted(origins.get(str(focus), ()))),
            message=str(report.value(result, SH.resultMessage) or "violates a shape"),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation"))
    return sorted(violations, key=lambda v: (v.files, v.entity, v.property, v.message))


def _targeted_property(graph: Graph, node, shape):
    """The property (of ``sh:targetSubjectsOf``) by which ``shape`` picked ``node``, if one."""
    used = [p for p in shapes_graph().objects(shape, SH.targetSubjectsOf)
            if (node, p, None) in graph]
    return used[0] if len(used) == 1 else None


def shape_files() -> list[Path]:
    return sorted(SHAPES_DIR.glob("*.ttl"))
