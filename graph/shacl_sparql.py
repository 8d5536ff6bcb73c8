"""The SHACL shapes of ``ontology/shapes`` translated into SPARQL queries that find every
violation at once, so that a graph of millions of statements is checked by the store's query
engine instead of node by node in pyshacl.

Each query returns the violating focus nodes (``?this``) and, where the rule is about a value,
the value (``?value``); :class:`Check` carries the rule's message, path and severity. Only the
SHACL features the shapes use are translated — target classes (with ``rdfs:subClassOf``),
subjects and objects of a property, target nodes; ``sh:class``, ``sh:datatype``,
``sh:nodeKind``, ``sh:pattern``, ``sh:in``, ``sh:languageIn``, ranges, counts, qualified
counts, ``sh:or`` and SHACL-SPARQL constraints. A shape that uses anything else raises
:class:`Unsupported`, and the caller falls back to pyshacl: the translation may be fast, it
must never check less.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SH

from .sparql_antijoin import rewrite

#: Predicates a shape may carry; anything else on a shape is a feature not translated here.
TRANSLATED = {
    RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.message, SH.severity,
    SH.deactivated, SH.order, SH.group, SH.targetClass, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.targetNode, SH.property, SH.path, SH["class"], SH.datatype,
    SH.nodeKind, SH.pattern, SH.flags, SH.minCount, SH.maxCount, SH["in"], SH.languageIn,
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH["or"],
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.sparql,
}
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes whose literals must also be well-formed (SHACL: "not an ill-typed literal");
#: an ill-typed one fails the cast to its own datatype.
CHECKED_LEXICAL = {XSD + name for name in
                   ("integer", "decimal", "boolean", "date", "dateTime", "time", "float",
                    "double")}
NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.Literal: "isLiteral({v})", SH.BlankNode: "isBlank({v})",
    SH.IRIOrLiteral: "!isBlank({v})", SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
}
#: An assertion node is reported under the entity it speaks about.
SUBJECT = "OPTIONAL { ?this rdf:subject ?subject }"
PREFIXES = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


class Unsupported(Exception):
    """The shapes use a SHACL feature this translation does not cover."""


@dataclass(frozen=True)
class Focus:
    pattern: str  # binds ?this to every focus node of a shape
    subjects_of: frozenset  # the shape's targetSubjectsOf properties


@dataclass(frozen=True)
class Check:
    """One query that lists the violations of one rule of one shape."""

    shape: str
    rule: str  # the constraint component, e.g. "class", "minCount", "sparql"
    query: str
    message: str
    path: str | None  # the property IRI reported as the result path
    severity: str  # Violation, Warning or Info
    templated: bool = False  # the message holds {$this} {?path} {?value} to fill in
    #: For a rule on the node itself: the shape's targetSubjectsOf properties; the query's
    #: ?has0, ?has1 … say which of them the node has.
    targets: tuple[str, ...] = ()


def n3(term) -> str:
    """A shapes-graph term written as SPARQL by rdflib (IRIs, literals, escapes)."""
    if isinstance(term, BNode):
        raise Unsupported("a blank node where an IRI or literal is expected")
    return term.n3()


class Translator:
    """Translates the shapes; ``classes(iri)`` gives a class and all its subclasses, as the
    graph being validated declares them (SHACL's rdf:type/rdfs:subClassOf*)."""

    def __init__(self, shapes: Graph, classes):
        self.g = shapes
        self.classes = classes
        self._names = itertools.count()

    def checks(self) -> list[Check]:
        out = []
        for shape in sorted(self._shapes(), key=str):
            self._guard(shape)
            if self.g.value(shape, SH.deactivated) == Literal(True):
                continue
            focus = self._focus(shape)
            if focus is None:
                continue  # no target: only used inside other shapes
            out += self._shape_checks(shape, focus)
        return out

    # -- which nodes are shapes, and are they all translatable? ----------------------------
    def _shapes(self) -> set:
        shapes = set(self.g.subjects(RDF.type, SH.NodeShape))
        shapes |= set(self.g.subjects(RDF.type, SH.PropertyShape))
        for target in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
            shapes |= set(self.g.subjects(target, None))
        for shape in shapes:
            if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g:
                raise Unsupported(f"implicit class target on {shape}")
        return shapes

    def _guard(self, shape) -> None:
        for predicate in set(self.g.predicates(shape, None)):
            if predicate not in TRANSLATED:
                raise Unsupported(f"{predicate} on shape {shape}")
        for inner in self.g.objects(shape, SH.property):
            self._guard(inner)
        for inner in self._members(shape, SH["or"]):
            self._guard(inner)
        for inner in self.g.objects(shape, SH.qualifiedValueShape):
            self._guard(inner)
            if self.g.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
        path = self.g.value(shape, SH.path)
        if path is not None and not isinstance(path, URIRef):
            raise Unsupported(f"a complex sh:path on {shape}")

    def _members(self, shape, predicate) -> list:
        return [m for lst in self.g.objects(shape, predicate) for m in Collection(self.g, lst)]

    # -- focus nodes -----------------------------------------------------------------------
    def _focus(self, shape) -> Focus | None:
        parts = []
        for cls in self.g.objects(shape, SH.targetClass):
            parts.append(f"VALUES ?focus_class {{ {self._class_values(cls)} }} "
                         "?this rdf:type ?focus_class .")
        for prop in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {n3(prop)} ?focus_object .")
        for prop in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"?focus_subject {n3(prop)} ?this .")
        nodes = [n3(node) for node in self.g.objects(shape, SH.targetNode)]
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(sorted(nodes))} }}")
        if not parts:
            return None
        # No DISTINCT here: every query ends in DISTINCT or counts DISTINCT values, so a focus
        # node met twice (a type stated in two graphs) changes nothing and costs no hashing.
        pattern = " UNION ".join(f"{{ {part} }}" for part in parts)
        return Focus(f"{{ {pattern} }}", frozenset(self.g.objects(shape, SH.targetSubjectsOf)))

    def _class_values(self, cls) -> str:
        return " ".join(f"<{c}>" for c in sorted(self.classes(str(cls))))

    # -- reporting queries -----------------------------------------------------------------
    def _shape_checks(self, shape, focus: Focus) -> list:
        path = self.g.value(shape, SH.path)
        message = self._message(shape)
        severity = str(self.g.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        name = str(self.g.value(shape, SH.name) or shape)
        out = []

        targets = tuple(sorted(str(p) for p in self.g.objects(shape, SH.targetSubjectsOf)))

        def check(rule, where, projection="?this"):
            query = f"SELECT DISTINCT {projection} ?subject WHERE {{ {where} {SUBJECT} }}"
            if path is None and targets:  # which target property picked the node (if one)
                flags = " ".join(f"BIND(EXISTS {{ ?this <{p}> ?target{i} }} AS ?has{i})"
                                 for i, p in enumerate(targets))
                query = f"SELECT * WHERE {{ {{ {query} }} {flags} }}"
            out.append(Check(name, rule, PREFIXES + query, message or _generic(rule, name),
                             str(path) if path is not None else None, severity,
                             targets=targets if path is None else ()))

        if path is None:  # a node shape: its value node is the focus node itself
            for rule, expr in self._value_tests(shape, "?this"):
                check(rule, f"{focus.pattern} FILTER(!({expr}))")
            for inner in self.g.objects(shape, SH.property):
                out += self._shape_checks(inner, focus)
            for constraint in self.g.objects(shape, SH.sparql):
                out.append(self._sparql_check(constraint, focus.pattern, name, severity))
            return out
        p = n3(path)
        # Every subject of a targetSubjectsOf property is a focus node: no join needed.
        values = f"?this {p} ?value ." if path in focus.subjects_of else \
            f"{focus.pattern} ?this {p} ?value ."
        for cls in self.g.objects(shape, SH["class"]):  # MINUS: Oxigraph's fast anti-join
            check("class", f"{values} MINUS {{ ?value rdf:type ?t . "
                  f"VALUES ?t {{ {self._class_values(cls)} }} }}", "?this ?value")
        for rule, expr in self._value_tests(shape, "?value", classes=False):
            check(rule, f"{values} FILTER(!({expr}))", "?this ?value")
        low, high = self.g.value(shape, SH.minCount), self.g.value(shape, SH.maxCount)
        if low is not None and int(low) == 1:
            check("minCount", f"{focus.pattern} MINUS {{ ?this {p} ?value }}")
        elif low is not None and int(low) > 1:
            check("minCount", f"{{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
                  f"{focus.pattern} OPTIONAL {{ ?this {p} ?value }} }} GROUP BY ?this }} "
                  f"FILTER(?n < {int(low)})")
        if high is not None and int(high) <= 1:
            other = "" if int(high) == 0 else \
                f"?this {p} ?other . FILTER(!sameTerm(?value, ?other))"
            check("maxCount", f"{values} {other}")
        elif high is not None:
            check("maxCount", f"{{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
                  f"{values} }} GROUP BY ?this }} FILTER(?n > {int(high)})")
        for inner in self.g.objects(shape, SH.qualifiedValueShape):
            test = self.conforms(inner, "?value")
            q_low = self.g.value(shape, SH.qualifiedMinCount)
            q_high = self.g.value(shape, SH.qualifiedMaxCount)
            counted = (f"{{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
                       f"{focus.pattern} OPTIONAL {{ ?this {p} ?value FILTER({test}) }} }} "
                       f"GROUP BY ?this }}")
            if q_low is not None and int(q_low) == 1:
                check("qualifiedMinCount",
                      f"{focus.pattern} MINUS {{ ?this {p} ?value FILTER({test}) }}")
            elif q_low is not None and int(q_low) > 1:
                check("qualifiedMinCount", f"{counted} FILTER(?n < {int(q_low)})")
            if q_high is not None:
                check("qualifiedMaxCount", f"{counted} FILTER(?n > {int(q_high)})")
        if any(self.g.objects(shape, SH.property)) or any(self.g.objects(shape, SH.sparql)):
            raise Unsupported(f"sh:property or sh:sparql inside the property shape {shape}")
        return out

    def _sparql_check(self, constraint, focus: str, name: str, severity: str) -> Check:
        for predicate in set(self.g.predicates(constraint, None)):
            if predicate not in {RDF.type, SH.message, SH.prefixes, SH.select, SH.deactivated}:
                raise Unsupported(f"{predicate} on a SHACL-SPARQL constraint")
        select = str(self.g.value(constraint, SH.select))
        if "$PATH" in select or "$shapesGraph" in select or "$currentShape" in select:
            raise Unsupported("$PATH, $shapesGraph or $currentShape in a SHACL-SPARQL query")
        namespaces = {str(self.g.value(decl, SH.prefix)): str(self.g.value(decl, SH.namespace))
                      for source in self.g.objects(constraint, SH.prefixes)
                      for decl in self.g.objects(source, SH.declare)}
        faster = rewrite(select, namespaces)
        select = faster or select
        prefixes = "" if faster else "".join(
            f"PREFIX {name}: <{namespace}>\n" for name, namespace in namespaces.items())
        # Pre-binding $this is a join of the constraint's own query with the focus nodes.
        query = (f"{PREFIXES}{prefixes}SELECT DISTINCT * WHERE {{ {focus} {{ {select} }} "
                 f"{SUBJECT} }}")
        message = self._message(constraint) or self._message(
            self.g.value(predicate=SH.sparql, object=constraint))
        return Check(name, "sparql", query, message or _generic("sparql", name), None,
                     severity, templated=True)

    def _message(self, node) -> str | None:
        messages = sorted(str(m) for m in self.g.objects(node, SH.message))
        return messages[0] if messages else None

    # -- boolean expressions: does a value satisfy a constraint / conform to a shape? ------
    def _value_tests(self, shape, v: str, *, classes: bool = True) -> list[tuple[str, str]]:
        g, tests = self.g, []
        for cls in g.objects(shape, SH["class"]) if classes else ():
            tests.append(("class", self._instance_of(v, cls)))
        for datatype in g.objects(shape, SH.datatype):
            expr = f"isLiteral({v}) && datatype({v}) = {n3(datatype)}"
            if str(datatype) in CHECKED_LEXICAL:
                expr += f" && COALESCE(isLiteral({n3(datatype)}({v})), false)"
            tests.append(("datatype", expr))
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {kind}")
            tests.append(("nodeKind", NODE_KINDS[kind].format(v=v)))
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            arguments = f"{n3(Literal(str(pattern)))}" + (
                f", {n3(Literal(str(flags)))}" if flags is not None else "")
            tests.append(("pattern", f"!isBlank({v}) && REGEX(STR({v}), {arguments})"))
        for allowed in g.objects(shape, SH["in"]):
            terms = " || ".join(f"sameTerm({v}, {n3(t)})" for t in Collection(g, allowed))
            tests.append(("in", terms or "false"))
        for languages in g.objects(shape, SH.languageIn):
            tags = " || ".join(f"langMatches(lang({v}), {n3(Literal(str(t)))})"
                               for t in Collection(g, languages))
            tests.append(("languageIn", f"isLiteral({v}) && ({tags or 'false'})"))
        for predicate, op in ((SH.minInclusive, ">="), (SH.maxInclusive, "<="),
                              (SH.minExclusive, ">"), (SH.maxExclusive, "<")):
            for bound in g.objects(shape, predicate):
                rule = str(predicate).rsplit("#", 1)[-1]
                tests.append((rule, f"COALESCE({v} {op} {n3(bound)}, false)"))
        for members in g.objects(shape, SH["or"]):
            options = [self.conforms(m, v) for m in Collection(g, members)]
            tests.append(("or", " || ".join(f"({o})" for o in options) or "false"))
        return tests

    def _instance_of(self, v: str, cls) -> str:
        t = self._fresh()
        return f"EXISTS {{ {v} rdf:type {t} . VALUES {t} {{ {self._class_values(cls)} }} }}"

    def conforms(self, shape, v: str) -> str:
        """An expression that is true iff the node ``v`` conforms to ``shape``."""
        if any(self.g.objects(shape, SH.sparql)) or any(
                self.g.objects(shape, SH.qualifiedValueShape)):
            raise Unsupported(f"sh:sparql or a qualified shape nested in {shape}")
        path = self.g.value(shape, SH.path)
        if path is None:
            parts = [expr for _, expr in self._value_tests(shape, v)]
            parts += [self.conforms(inner, v) for inner in self.g.objects(shape, SH.property)]
            return " && ".join(f"({p})" for p in parts) or "true"
        value, other = self._fresh(), self._fresh()
        parts = [f"NOT EXISTS {{ {v} {n3(path)} {value} FILTER(!({expr})) }}"
                 for _, expr in self._value_tests(shape, value)]
        low, high = self.g.value(shape, SH.minCount), self.g.value(shape, SH.maxCount)
        if low is not None and int(low) > 0:
            if int(low) > 1:
                raise Unsupported("sh:minCount above 1 inside sh:or")
            parts.append(f"EXISTS {{ {v} {n3(path)} {value} }}")
        if high is not None:
            if int(high) > 1:
                raise Unsupported("sh:maxCount above 1 inside sh:or")
            parts.append(f"NOT EXISTS {{ {v} {n3(path)} {value} }}" if int(high) == 0 else
                         f"NOT EXISTS {{ {v} {n3(path)} {value}, {other} "
                         f"FILTER(!sameTerm({value}, {other})) }}")
        return " && ".join(f"({p})" for p in parts) or "true"

    def _fresh(self) -> str:
        return f"?v{next(self._names)}"


def _generic(rule: str, shape: str) -> str:
    return f"violates the {rule} rule of the shape '{shape}'"
