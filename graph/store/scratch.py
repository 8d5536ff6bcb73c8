"""Engines used in-process by the build and the benchmark, never by user queries.

- :class:`ScratchStore` — pyoxigraph in memory (the build validates the new graph on it before
  writing anything) or an existing store directory opened read-only (the benchmark's floor: the
  same query on the same files without query workers, guard or result conversion).
- :class:`RdflibBaseline` — rdflib's default in-memory ``Dataset``, the naive baseline the
  benchmark compares with.

They run in the calling process with no time limit and no row cap, so they take only queries
written by the program itself (generated SHACL checks, named queries), never text from a user.
"""
from __future__ import annotations

import time
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from .answer import PREFIXES, term_dict, to_ox_term


class ScratchStore:
    def __init__(self, store: ox.Store, *, union: bool):
        self._store = store
        self._union = union

    @classmethod
    def in_memory(cls, quads) -> ScratchStore:
        """A throw-away store holding ``quads``; queries see the union of their graphs."""
        store = ox.Store()
        store.bulk_extend(quads)
        return cls(store, union=True)

    @classmethod
    def read_only(cls, directory: str | Path) -> ScratchStore:
        """An on-disk store as a build wrote it (queries see its stored default graph)."""
        return cls(ox.Store.read_only(str(directory)), union=False)

    def _solutions(self, sparql: str, bindings: dict | None):
        substitutions = {ox.Variable(k): to_ox_term(v) for k, v in (bindings or {}).items()}
        return self._store.query(sparql, prefixes=PREFIXES,
                                 use_default_graph_as_union=self._union,
                                 substitutions=substitutions or None)

    def rows(self, sparql: str, bindings: dict | None = None) -> list[dict[str, dict]]:
        """SELECT solutions, each ``{variable: SPARQL-JSON term}`` (unbound ones left out)."""
        solutions = self._solutions(sparql, bindings)
        names = [v.value for v in solutions.variables]
        return [{name: term_dict(term) for name, term in zip(names, solution)
                 if term is not None} for solution in solutions]

    def tsv(self, sparql: str, bindings: dict | None = None) -> bytes:
        """The whole answer as the query workers write it (SPARQL TSV or N-Triples), in
        memory: the engine's own time for a query, without a worker, a guard or a cap."""
        results = self._solutions(sparql, bindings)
        if isinstance(results, ox.QueryBoolean):
            return b"true" if results else b"false"
        if isinstance(results, ox.QuerySolutions):
            return results.serialize(format=ox.QueryResultsFormat.TSV)
        return results.serialize(format=ox.RdfFormat.N_TRIPLES)


def bare_bulk_load(path: Path, directory: Path) -> float:
    """Seconds pyoxigraph takes to bulk-load one RDF file into a new on-disk store: the floor a
    build is compared with."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    started = time.perf_counter()
    store = ox.Store(str(directory))
    store.bulk_load(path=str(path), format=fmt)
    store.flush()
    seconds = time.perf_counter() - started
    del store
    return seconds


class RdflibBaseline:
    """rdflib's default in-memory store: the naive way to hold and query the same graph."""

    def __init__(self, files: list[Path]):
        from rdflib import Dataset

        self.dataset = Dataset(default_union=True)
        for path in files:
            fmt = {".nq": "nquads", ".trig": "trig", ".ttl": "turtle", ".nt": "nt"}[path.suffix]
            self.dataset.parse(path, format=fmt)

    def tsv(self, sparql: str, bindings: dict | None = None) -> bytes:
        """The whole answer as the query workers write it (SPARQL TSV or N-Triples), in
        memory: the engine's own time for a query, without a worker, a guard or a cap."""
        results = self._solutions(sparql, bindings)
        if isinstance(results, ox.QueryBoolean):
            return b"true" if results else b"false"
        if isinstance(results, ox.QuerySolutions):
            return results.serialize(format=ox.QueryResultsFormat.TSV)
        return results.serialize(format=ox.RdfFormat.N_TRIPLES)

    def count(self, sparql: str, bindings: dict | None = None, *,
              limit: int | None = None) -> int:
        from rdflib import Literal, URIRef

        terms = {}
        for name, term in (bindings or {}).items():
            value = to_ox_term(term)
            terms[name] = URIRef(value.value) if isinstance(value, ox.NamedNode) else \
                Literal(value.value, lang=value.language,
                        datatype=None if value.language else value.datatype.value)
        result = self.dataset.query(sparql, initNs=PREFIXES, initBindings=terms)
        return 1 if result.type == "ASK" else sum(1 for _ in islice(result, limit))
