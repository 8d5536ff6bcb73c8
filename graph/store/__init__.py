"""The store: the only part of akteursgraph that talks to pyoxigraph, SPARQLWrapper or an
RDF store. Everything else asks it through :meth:`Store.query` and gets an :class:`Answer`."""
from __future__ import annotations

from .answer import GRAPH_FORMATS, PREFIXES, RESULT_FORMATS, Answer, iri, literal
from .base import Store
from .errors import (DataError, QueryFailed, QueryRefused, QuerySyntaxError, QueryTimeout,
                     StoreError, StoreLocked, StoreUnavailable)

__all__ = [
    "Answer", "Store", "open_store", "iri", "literal", "PREFIXES", "RESULT_FORMATS",
    "GRAPH_FORMATS", "StoreError", "StoreUnavailable", "StoreLocked", "QuerySyntaxError",
    "QueryRefused", "QueryTimeout", "QueryFailed", "DataError",
]


def open_store(settings) -> Store:
    """Opens the store ``settings.store`` names: a directory, ':memory:' or an http(s) URL."""
    location = settings.store
    if location.startswith(("http://", "https://")):
        from .remote import RemoteStore

        return RemoteStore(location, settings)
    from .embedded import EmbeddedStore

    return EmbeddedStore(location, settings)
