"""SHACL validation at scale: the shapes run as SPARQL queries on a throw-away Oxigraph store.

pyshacl checks node by node in Python and needs minutes for ten thousand statements (its
SHACL-SPARQL provenance rule alone runs one rdflib query per fact). Here the shapes are
translated once (:mod:`graph.shacl_sparql`), the statements and the ontology are bulk-loaded
into an in-memory Oxigraph store (:class:`graph.store.scratch.ScratchStore`), and each rule
becomes one query over all focus nodes, two at a time. Every statement still meets every
rule: where a shape uses a feature the translation does not cover, :func:`validate` falls back
to pyshacl, and ``tests/test_fastvalidate.py`` checks that both report the same violations.
"""
from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

from .shacl_sparql import Check, Translator, Unsupported
from .store.guard import check_query
from .store.scratch import ScratchStore
from .validation import Violation, shapes_graph, short, validate_ntriples

#: Rules run at the same time (the machines have two cores).
WORKERS = 2
#: One or more steps: a zero-length path would list every node of the graph (1.4 s at 1 M);
#: each class is added to its own set in Python.
SUBCLASSES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?super ?sub WHERE { ?sub rdfs:subClassOf+ ?super . FILTER(isIRI(?super)) }
"""
_PLACEHOLDER = re.compile(r"\{[?$](this|path|value)\}")


def validate(quads: list, ontology: list, origins: dict[str, set[str]], *,
             progress=lambda _: None) -> list[Violation]:
    """The SHACL violations of ``quads`` (with ``ontology`` mixed in, as pyshacl's
    ``ont_graph``). ``origins`` maps an entity IRI to the files that speak of it."""
    started = time.perf_counter()
    store = ScratchStore.in_memory(ontology + quads)
    loaded = time.perf_counter()
    try:
        checks = translate(store)
    except Unsupported as reason:
        progress(f"the shapes use {reason}: validating with pyshacl instead (slow)")
        from .store import rdfio

        return validate_ntriples(rdfio.quads_to_ntriples(quads), origins)
    for check in checks:  # the shapes' own SPARQL passes the store's guard (no SERVICE)
        if check.rule == "sparql":
            check_query(check.query, max_bytes=10**7)
    timings = []

    def run(check: Check) -> list[dict]:
        began = time.perf_counter()
        rows = store.rows(check.query)
        timings.append((time.perf_counter() - began, check.shape, check.rule))
        return rows

    # pyoxigraph lets go of the GIL while it evaluates: two threads keep both cores busy.
    with ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(run, checks))
    slowest = max(timings, default=(0.0, "", ""))
    progress(f"validation: {len(checks)} rules; store loaded in {loaded - started:.1f} s, "
             f"rules run in {time.perf_counter() - loaded:.1f} s (slowest: {slowest[1]} "
             f"{slowest[2]}, {slowest[0]:.1f} s)")
    violations = []
    for check, rows in zip(checks, answers):
        violations += [_violation(check, row, origins) for row in _one_subject_each(rows)]
    return sorted(set(violations), key=lambda v: (v.files, v.entity, v.property, v.message))


def translate(store) -> list[Check]:
    """The checks for the store's current contents (its class hierarchy decides which nodes
    a class target reaches)."""
    hierarchy: dict[str, set[str]] = {}
    for row in store.rows(SUBCLASSES):
        upper, lower = row["super"]["value"], row["sub"]["value"]
        hierarchy.setdefault(upper, {upper}).add(lower)
    return Translator(shapes_graph(), lambda cls: hierarchy.get(cls, {cls})).checks()


def _one_subject_each(rows: list[dict]) -> list[dict]:
    """An assertion node with several rdf:subject values (itself a violation) is named by
    one of them, as pyshacl does, not reported once per subject."""
    kept: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(sorted((k, v["value"]) for k, v in row.items() if k != "subject"))
        if key not in kept or row.get("subject", {}).get("value", "") < kept[key].get(
                "subject", {}).get("value", ""):
            kept[key] = row
    return list(kept.values())


def _violation(check: Check, row: dict, origins: dict[str, set[str]]) -> Violation:
    focus = row["this"]["value"]
    if row["this"]["type"] == "bnode" and "subject" in row:
        focus = row["subject"]["value"]
    path = row.get("path", {}).get("value") or check.path
    if not path and check.targets:  # as graph.validation names it: the one target property
        used = [p for i, p in enumerate(check.targets)
                if row.get(f"has{i}", {}).get("value") == "true"]
        path = used[0] if len(used) == 1 else None
    message = check.message
    if check.templated:
        message = _PLACEHOLDER.sub(lambda m: row.get(m.group(1), {}).get("value", m.group(0)),
                                   message)
    return Violation(entity=short(focus), property=short(path) if path else "",
                     files=tuple(sorted(origins.get(focus, ()))), message=message,
                     severity=check.severity)
