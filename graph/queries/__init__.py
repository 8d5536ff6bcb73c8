"""Named queries: one ``.rq`` file per question users bring, with its metadata in a header.

Header lines at the top of each file::

    # title: Wer fördert wen?
    # title_en: Who funds whom?
    # description: Förderketten vom Geldgeber über das Programm bis zum Ausgewählten …
    # description_en: Funding chains …
    # param: land iri ag:State optional — Bundesland / State

A parameter is ``<name> <iri|text> [<class>] [optional] — <German label> / <English label>``.
Values are bound by the engine (``bindings``), never pasted into the query text, and every
parameter must be projected by the query so remote endpoints can bind it with ``VALUES``.

The two ways of binding differ, so a query must be written to give the same answer under both:
pyoxigraph substitutes the value into the patterns before evaluation (where ``BOUND(?param)``
then says false and a pattern inside ``OPTIONAL`` filters nothing), while a remote store joins a
trailing ``VALUES`` block with the finished solutions (where a row with the parameter unbound
matches any value). So bind each parameter in a required pattern, or for an optional one
``BIND(COALESCE(?found, "") AS ?param)``: every row carries a value, ``""`` where nothing applies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..store import Answer, Store, iri, literal

QUERY_DIR = Path(__file__).resolve().parent
_HEADER = re.compile(r"^#\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(iri|text)(?:\s+(\S+:\S+))?(\s+optional)?\s*(?:—|--)\s*(.+)$")


class ParameterError(ValueError):
    """A named query was called with a missing, unknown or malformed parameter."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "iri" or "text"
    of_class: str | None  # e.g. "ag:State": what a picker offers
    optional: bool
    label: str
    label_en: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    title_en: str
    description: str
    description_en: str
    params: tuple[Param, ...]
    text: str

    @property
    def body(self) -> str:
        """The query without its header, as it is sent to the store.

        SPARQLWrapper guesses the query form from the first keyword it finds outside comments,
        but its comment filter skips every second one of consecutive comment lines, so words in
        a description ("address" → ADD, "asked" → ASK) turned a SELECT into an update.
        """
        lines = self.text.splitlines(keepends=True)
        header = next((i for i, line in enumerate(lines) if not _HEADER.match(line)), len(lines))
        return "".join(lines[header:])

    def bindings(self, values: dict[str, str], *, base_iri: str) -> dict:
        """Checks ``values`` against the declared parameters and turns them into terms."""
        known = {p.name: p for p in self.params}
        unknown = set(values) - set(known)
        if unknown:
            raise ParameterError(
                f"query '{self.name}' has no parameter {', '.join(sorted(unknown))}; "
                f"it takes: {', '.join(known) or 'none'}")
        out = {}
        for param in self.params:
            value = (values.get(param.name) or "").strip()
            if not value:
                if not param.optional:
                    raise ParameterError(f"query '{self.name}' needs the parameter "
                                         f"'{param.name}' ({param.label_en})")
                continue
            if param.kind == "iri":
                if not value.startswith(("http://", "https://")):
                    value = base_iri + value  # a slug such as 'baden-wuerttemberg'
                if re.search(r"[\s<>\"{}|\\^`]", value):
                    raise ParameterError(f"parameter '{param.name}' is not a valid IRI or slug")
                out[param.name] = iri(value)
            else:
                out[param.name] = literal(value)
        return out


def _parse(path: Path) -> NamedQuery:
    meta: dict[str, str] = {}
    params = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        key, value = match.groups()
        if key == "param":
            spec = _PARAM.match(value.strip())
            if not spec:
                raise ValueError(f"{path}: malformed '# param:' line: {value}")
            name, kind, of_class, optional, labels = spec.groups()
            label, _, label_en = labels.partition("/")
            params.append(Param(name, kind, of_class, bool(optional), label.strip(),
                                label_en.strip() or label.strip()))
        else:
            meta[key] = value.strip()
    if "title" not in meta:
        raise ValueError(f"{path}: a named query needs a '# title:' line")
    return NamedQuery(
        name=path.stem, title=meta["title"], title_en=meta.get("title_en", meta["title"]),
        description=meta.get("description", ""),
        description_en=meta.get("description_en", meta.get("description", "")),
        params=tuple(params), text=path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def catalogue() -> dict[str, NamedQuery]:
    """Every named query, by name (the file name without ``.rq``)."""
    return {path.stem: _parse(path) for path in sorted(QUERY_DIR.glob("*.rq"))}


def get(name: str) -> NamedQuery:
    try:
        return catalogue()[name]
    except KeyError:
        raise ParameterError(f"there is no named query '{name}'; "
                             f"known: {', '.join(catalogue())}") from None


def run(store: Store, name: str, values: dict[str, str] | None = None, **options) -> Answer:
    query = get(name)
    bindings = query.bindings(values or {}, base_iri=store.settings.base_iri)
    return store.query(query.body, bindings=bindings, **options)
