"""Every setting, declared once with its default and help text.

A setting is read from the environment as ``AKTEURSGRAPH_<NAME>`` (upper case) unless the caller
passes it explicitly; a bad value raises :class:`SettingError` naming the variable to change.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

#: The repository root: the ontology and the curated data live beside the packages.
ROOT = Path(__file__).resolve().parent.parent


class SettingError(ValueError):
    """A setting has a value that cannot be used."""


def _setting(default, help):
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    store: str = _setting(
        str(ROOT / "var" / "store"),
        "Where the graph lives: a directory for the embedded Oxigraph store, ':memory:' for a "
        "throw-away in-memory store, or the http(s) URL of a SPARQL 1.1 endpoint.")
    update_endpoint: str = _setting(
        "", "For a remote store: the SPARQL Update endpoint, if it differs from the query URL.")
    data: str = _setting(str(ROOT / "data"), "The directory of curated source files to build from.")
    base_iri: str = _setting(
        "https://w3id.org/akteursgraph/id/", "The IRI every entity slug is appended to.")
    query_timeout: float = _setting(10.0, "Seconds a query may run before it is stopped.")
    row_cap: int = _setting(10_000, "Rows (or triples) an answer may hold before it is cut.")
    query_workers: int = _setting(
        2, "Worker processes that run queries on the embedded store (each can be killed alone).")
    max_query_bytes: int = _setting(100_000, "Longest SPARQL query text accepted, in bytes.")

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"AKTEURSGRAPH_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _convert(f.name, raw, type(f.default))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values).checked()

    def checked(self) -> Settings:
        if self.query_timeout <= 0:
            raise SettingError("AKTEURSGRAPH_QUERY_TIMEOUT must be a positive number of seconds")
        if self.row_cap < 1:
            raise SettingError("AKTEURSGRAPH_ROW_CAP must be at least 1")
        if self.query_workers < 1:
            raise SettingError("AKTEURSGRAPH_QUERY_WORKERS must be at least 1")
        if not self.base_iri.startswith(("http://", "https://")) or not self.base_iri.endswith("/"):
            raise SettingError("AKTEURSGRAPH_BASE_IRI must be an http(s) IRI ending in '/'")
        return self

    def with_(self, **changes) -> Settings:
        return replace(self, **changes).checked()

    @staticmethod
    def describe() -> list[tuple[str, object, str]]:
        """(environment variable, default, help) for every setting — for docs and --help."""
        return [(f"AKTEURSGRAPH_{f.name.upper()}", f.default, f.metadata["help"])
                for f in fields(Settings)]


def _convert(name: str, raw: str, kind: type):
    try:
        return kind(raw)
    except ValueError:
        raise SettingError(
            f"AKTEURSGRAPH_{name.upper()}={raw!r} is not a valid {kind.__name__}") from None
