"""The guard every query passes before an engine sees it (graph/store/guard.py).

The engines would follow SERVICE over HTTP (pyoxigraph has no switch against it) and crash on
very deep nesting, so these refusals are the store's only defence; test_store.py checks the
same on each backend with a listening server that must never be called.
"""
from __future__ import annotations

import pytest

from graph.store import QueryRefused, QuerySyntaxError
from graph.store.guard import check_query

LIMIT = 100_000
URL = "http://127.0.0.1:9/sparql"
SERVICE = f"SERVICE <{URL}> {{ ?s ?p ?o }}"

REFUSED_SERVICE = {
    "upper case": f"SELECT * WHERE {{ {SERVICE} }}",
    "lower case": f"select * where {{ service <{URL}> {{ ?s ?p ?o }} }}",
    "\\u escape": f"SELECT * WHERE {{ \\u0053ERVICE <{URL}> {{ ?s ?p ?o }} }}",
    "\\U escape": f"SELECT * WHERE {{ \\U00000053ERVICE <{URL}> {{ ?s ?p ?o }} }}",
    "escaped iri": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/\\u0073parql> { ?s ?p ?o } }",
    "silent": f"SELECT * WHERE {{ SERVICE SILENT <{URL}> {{ ?s ?p ?o }} }}",
    "sub-select": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ {SERVICE} }} }} }}",
    "not exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ {SERVICE} }} }}",
    "union": f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ {SERVICE} }} }}",
    "ask": f"ASK {{ OPTIONAL {{ {SERVICE} }} }}",
    "describe": f"DESCRIBE ?s WHERE {{ {SERVICE} }}",
    "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ {SERVICE} }} }}",
    "service variable": f"SELECT * WHERE {{ BIND(<{URL}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
}
REFUSED_UPDATES = {
    "insert data": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "lower case, with prologue": "PREFIX ex: <urn:x:>\ninsert data { ex:a ex:b ex:c }",
    "delete/insert": "WITH <urn:x:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "load": f"LOAD <{URL}>",
    "load file": "LOAD <file:///etc/passwd> INTO GRAPH <urn:x:g>",
    "clear": "CLEAR ALL",
    "drop": "DROP SILENT GRAPH <urn:x:g>",
    "create": "CREATE GRAPH <urn:x:g>",
    "add": "ADD <urn:x:a> TO <urn:x:b>",
    "copy": "COPY DEFAULT TO <urn:x:b>",
    "move": "MOVE <urn:x:a> TO DEFAULT",
}
# The word is harmless where it is no keyword; refusing these would be a false alarm.
ALLOWED = {
    "variable": "SELECT ?service WHERE { ?service a ag:Portal }",
    "comment": "SELECT * WHERE { ?s ?p ?o } # no SERVICE here",
    "iri": "SELECT * WHERE { <https://example.org/service> ?p ?o }",
    "prefixed name": "SELECT * WHERE { ?s schema:serviceType ?o }",
    "literal": 'SELECT * WHERE { ?s rdfs:label "SERVICE <http://x/> { ?s ?p ?o }" }',
    "escaped literal": 'SELECT * WHERE { ?s rdfs:label "Service-Portal f\\u00fcr B\\u00fcrger" }',
    # rdflib's grammar lacks Oxigraph's LATERAL; the engine, not the guard, judges such text.
    "engine extension": "SELECT * WHERE { ?s ?p ?o LATERAL { SELECT ?x WHERE { ?s ?q ?x } "
                        "LIMIT 1 } }",
}


@pytest.mark.parametrize("name", REFUSED_SERVICE)
def test_service_is_refused_however_written(name):
    with pytest.raises(QueryRefused, match="SERVICE") as caught:
        check_query(REFUSED_SERVICE[name], max_bytes=LIMIT)
    assert caught.value.hint and caught.value.status == 403


@pytest.mark.parametrize("name", REFUSED_UPDATES)
def test_updates_are_refused(name):
    with pytest.raises(QueryRefused, match="read-only"):
        check_query(REFUSED_UPDATES[name], max_bytes=LIMIT)


@pytest.mark.parametrize("name", ALLOWED)
def test_the_word_service_alone_is_no_reason_to_refuse(name):
    assert check_query(ALLOWED[name], max_bytes=LIMIT) is None


def test_length_is_counted_in_bytes_and_the_hint_names_the_setting():
    query = "SELECT * WHERE { ?s ?p 'Übersicht' }"  # Ü takes two bytes
    size = len(query.encode("utf-8"))
    assert check_query(query, max_bytes=size) is None
    with pytest.raises(QueryRefused, match=f"longer than {size - 1:,} bytes") as caught:
        check_query(query, max_bytes=size - 1)
    assert "AKTEURSGRAPH_MAX_QUERY_BYTES" in caught.value.hint


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 2200 + " ?s ?p ?o " + "}" * 2200,
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 4700 + "1" + ")" * 4700 + ") }",
], ids=["2,200 braces", "4,700 parentheses"])
def test_deep_nesting_is_refused_before_any_engine_sees_it(query):
    with pytest.raises(QueryRefused, match="nested too deeply"):
        check_query(query, max_bytes=LIMIT)


def test_unparsable_text_that_mentions_service_is_a_syntax_error_with_its_position():
    query = f"SELECT * WHERE {{\n  {SERVICE}\n  FILTER( }}"
    with pytest.raises(QuerySyntaxError) as caught:
        check_query(query, max_bytes=LIMIT)
    assert caught.value.line == 3 and caught.value.column is not None


@pytest.mark.parametrize("text", ["", "  \n\t"])
def test_empty_query_says_so(text):
    with pytest.raises(QuerySyntaxError, match="the query is empty"):
        check_query(text, max_bytes=LIMIT)


@pytest.mark.parametrize("text", ["PREFIX ex: <urn:x:>\n", "# only a comment"])
def test_text_without_operations_is_no_update(text):
    # SPARQL Update's grammar accepts a request of no operations: that is no reason to call
    # the text an update; the engine reports the missing query with its position.
    assert check_query(text, max_bytes=LIMIT) is None


COLD_PARSES = '''
import threading
from graph.store.guard import check_query

QUERIES = [
    "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o FILTER(?o > %d) } GROUP BY ?s LIMIT 5",
    "SELECT * WHERE { ?s <urn:x:p>/<urn:x:q>* ?o OPTIONAL { ?o <urn:x:r> 'a'@de } } # %d",
    "ASK { ?s ?p %d . MINUS { ?s a ?c } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o BIND(STRLEN(STR(?o)) + %d AS ?l) }",
]
start = threading.Barrier(16)
errors = []

def check(number):
    start.wait()
    try:
        check_query(QUERIES[number % 4] % number, max_bytes=10**6)
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=check, args=(n,)) for n in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(errors), errors[:1])
'''


def test_sixteen_first_queries_at_once_all_pass_the_guard():
    """A cold server's first requests arrive together: rdflib's pyparsing grammar must not be
    entered by two threads at once (without the guard's lock all 16 failed with a TypeError)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", COLD_PARSES], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 []"
