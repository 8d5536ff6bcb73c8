"""The one function every query passes through, shared by both backends."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

from .answer import Answer
from .guard import check_query


class Store(ABC):
    """A graph that answers SPARQL queries within a time limit and a row cap."""

    def __init__(self, settings):
        self.settings = settings

    def query(self, sparql: str, *, bindings: dict | None = None, timeout: float | None = None,
              row_cap: int | None = None) -> Answer:
        """Runs a SELECT, ASK, CONSTRUCT or DESCRIBE query; the default graph is the merge of
        all named graphs (a set: a triple stated by two sources appears once).

        The prefixes of :data:`PREFIXES` (ag:, id:, rdfs:, schema:, org: …) are predeclared.

        ``bindings`` maps variable names to terms made with :func:`graph.store.iri` or
        :func:`graph.store.literal`; they are bound by the engine, never pasted into the text.
        An answer longer than ``row_cap`` is cut and says so (``answer.truncated``); a query
        that runs past ``timeout`` seconds is stopped and raises ``QueryTimeout``.
        """
        check_query(sparql, max_bytes=self.settings.max_query_bytes)
        return self._run(sparql, dict(bindings or {}),
                         timeout or self.settings.query_timeout,
                         row_cap or self.settings.row_cap)

    @abstractmethod
    def _run(self, sparql: str, bindings: dict, timeout: float, row_cap: int) -> Answer: ...

    @abstractmethod
    def replace(self, quads, *, artifacts: dict[str, bytes] | None = None,
                before_swap: Callable[[], None] | None = None) -> None:
        """Replaces the whole graph; on failure the previous graph stays.

        ``artifacts`` are files built with the graph (name -> content), kept beside it.
        ``before_swap`` runs when the new graph is written but not yet in use; whatever it
        raises keeps the previous graph (the build waits there for its validation)."""

    @abstractmethod
    def dump(self, fmt: str) -> bytes: ...

    @abstractmethod
    def is_built(self) -> bool: ...

    def artifact(self, name: str):
        """A file built beside the graph (summaries, search index); None where there is none."""
        return None

    @abstractmethod
    def describe(self) -> str: ...

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
