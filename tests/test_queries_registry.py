"""The named-query registry: every .rq file is well formed, documented and safe to bind.

Parameters are bound by the engine: pyoxigraph substitutes them, a remote store appends a
VALUES block that only joins what the query projects. So every declared parameter must be in
the projection, and every declared class must exist, or a picker would offer nothing.
"""
from __future__ import annotations

import re
import warnings

import pytest
from rdflib.plugins.sparql import prepareQuery
from SPARQLWrapper import SPARQLWrapper

from graph import queries
from graph.loading import ONTOLOGY_GRAPH
from graph.store import PREFIXES, iri

CATALOGUE = queries.catalogue()
NAMES = sorted(CATALOGUE)
HEADER_KEYS = {"title", "title_en", "description", "description_en", "param"}
BASE = "https://w3id.org/akteursgraph/id/"


def test_the_questions_users_bring_are_all_there():
    assert {"foerderketten", "angebote-eines-landes", "laendermatrix", "ansprechpartner",
            "personen", "geplant", "quellen-einer-entitaet", "abgeleitete-aussagen",
            "programme-zeitleiste", "teilnehmende-laender", "organisationsstruktur"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete_and_spelt_right(name):
    query = CATALOGUE[name]
    for field in ("title", "title_en", "description", "description_en"):
        assert getattr(query, field).strip(), f"{name}.rq needs a '# {field}:' line"
    assert query.title != query.title_en, f"{name}.rq: title_en should be English"
    keys = [re.match(r"#\s*(\w+)\s*:", line).group(1)
            for line in query.text.splitlines()[: len(query.text.splitlines())
                                                 - len(query.body.splitlines())]]
    assert set(keys) <= HEADER_KEYS, f"{name}.rq: unknown header line(s) {set(keys) - HEADER_KEYS}"
    for param in query.params:
        assert param.label and param.label_en, f"{name}.rq: parameter {param.name} needs labels"


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_is_projected(name):
    """A remote store binds with a trailing VALUES block, which joins projected variables only."""
    query = CATALOGUE[name]
    parsed = prepareQuery(query.body)
    projected = {str(v) for v in parsed.algebra.PV}
    missing = {p.name for p in query.params} - projected
    assert not missing, f"{name}.rq must SELECT its parameter(s) {sorted(missing)}"


@pytest.mark.parametrize("name", NAMES)
def test_every_prefix_is_declared_in_the_file(name):
    """The files are also shown and copied by people: they must run without our predeclared
    prefixes (rdflib knows none of them here)."""
    body = CATALOGUE[name].body
    used = set(re.findall(r"(?<![\w<\"'])([a-z]+):(?=[A-Za-z_])", _strip_strings(body)))
    declared = set(re.findall(r"^PREFIX\s+(\w+):", body, flags=re.M))
    assert used <= declared, f"{name}.rq uses undeclared prefixes {sorted(used - declared)}"
    prepareQuery(body)  # parses with the file's own prologue only


def _strip_strings(text: str) -> str:
    """The query without comments, string literals and IRIs, where colons mean nothing."""
    text = re.sub(r"#[^\n]*", "", text)
    text = re.sub(r'"[^"\n]*"', '""', text)
    return re.sub(r"<[^>\s]*>", "<>", text)


@pytest.mark.parametrize("name", NAMES)
def test_sparqlwrapper_sees_a_select(name):
    """SPARQLWrapper guesses the query form from the text; it must never read a word of the
    header ('address', 'asked') as an update or ASK keyword."""
    client = SPARQLWrapper("http://127.0.0.1:9/query")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an undetected form warns
        client.setQuery(CATALOGUE[name].body)
    assert client.queryType == "SELECT"


def test_body_is_the_text_without_its_header():
    query = CATALOGUE["foerderketten"]
    assert query.text.endswith(query.body)
    assert not query.body.lstrip().startswith("#")
    assert "title" not in query.body.split("PREFIX", 1)[0]


def test_parameter_classes_exist_in_the_ontology(seed_store):
    declared = {(name, p.of_class) for name in NAMES for p in CATALOGUE[name].params
                if p.of_class}
    assert declared, "no named query declares a parameter class"
    for name, of_class in declared:
        prefix, _, local = of_class.partition(":")
        assert prefix in PREFIXES, f"{name}.rq: unknown prefix in class {of_class}"
        answer = seed_store.query(
            "ASK { GRAPH ?ontology { { ?class a owl:Class } UNION { ?instance a ?class } } }",
            bindings={"class": iri(PREFIXES[prefix] + local), "ontology": iri(ONTOLOGY_GRAPH)})
        assert answer.boolean, f"{name}.rq: class {of_class} is not in the ontology"


def test_required_parameter_is_required():
    with pytest.raises(queries.ParameterError, match="needs the parameter 'land'"):
        CATALOGUE["angebote-eines-landes"].bindings({}, base_iri=BASE)
    with pytest.raises(queries.ParameterError, match="needs the parameter 'entitaet'"):
        CATALOGUE["quellen-einer-entitaet"].bindings({"entitaet": "  "}, base_iri=BASE)


def test_optional_parameter_may_be_left_out_or_empty():
    assert CATALOGUE["foerderketten"].bindings({}, base_iri=BASE) == {}
    assert CATALOGUE["foerderketten"].bindings({"land": ""}, base_iri=BASE) == {}


def test_unknown_parameter_is_refused():
    with pytest.raises(queries.ParameterError, match="has no parameter bundesland"):
        CATALOGUE["foerderketten"].bindings({"bundesland": "bayern"}, base_iri=BASE)


def test_slug_becomes_an_entity_iri_and_a_full_iri_stays():
    query = CATALOGUE["ansprechpartner"]
    topic = "https://w3id.org/akteursgraph/ontology#OZG-Umsetzung"
    assert query.bindings({"land": "bayern", "thema": topic}, base_iri=BASE) == {
        "land": iri(BASE + "bayern"), "thema": iri(topic)}


@pytest.mark.parametrize("value", ["bayern> } UNION { ?s ?p ?o", 'x" . ?s ?p ?o', "a b"])
def test_malformed_iri_is_refused_before_any_query(value):
    with pytest.raises(queries.ParameterError, match="not a valid IRI"):
        CATALOGUE["foerderketten"].bindings({"land": value}, base_iri=BASE)


def test_unknown_query_names_the_known_ones():
    with pytest.raises(queries.ParameterError, match="foerderketten"):
        queries.get("wer-foerdert-wen")
