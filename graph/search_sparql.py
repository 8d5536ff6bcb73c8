"""Search without an index: a remote store keeps no artifacts, so one bounded SPARQL query
does the work of ``graph.search`` there.

The engine folds the labels; the query text is bound as ?q. ?q appears only in SELECT
expressions and ORDER BY, so the query means the same whether the store binds it first
(pyoxigraph's substitution, a remote store's leading VALUES) or after the pattern (a
trailing VALUES, SPARQL 1.1 §18.2.4); the hits are picked from the ranked rows here.
"""
from __future__ import annotations

import re
import unicodedata

from .search import AG, WORD, Facets, Hit, Land
from .store import Store, iri, literal

FOLDED_NAME = (  # what sparql_key() does, in SPARQL
    'REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(LCASE(STR(?name)),'
    ' "ä", "a"), "ö", "o"), "ü", "u"), "ß", "ss"), "ae", "a"), "oe", "o"), "ue", "u"),'
    r' "[^\\p{L}\\p{N}]+", " "), "^ | $", "")')
_ENTITY_PATTERN = """?e a ?cls .
  FILTER(isIRI(?e) && STRSTARTS(STR(?cls), STR(ag:)) && ?cls NOT IN (ag:Assertion, ag:Status))"""
SEARCH_QUERY = """
SELECT ?e ?q ?cls ?land ?code ?name ?alt
       (?key = ?q AS ?exact) (STRSTARTS(?key, ?q) AS ?starts) (CONTAINS(?key, ?q) AS ?hit)
WHERE {
  %s
  { ?e rdfs:label ?name BIND(0 AS ?alt) } UNION { ?e dct:title ?name BIND(0 AS ?alt) }
  UNION { ?e skos:altLabel ?name BIND(1 AS ?alt) } UNION { ?e ag:isoCode ?name BIND(1 AS ?alt) }
  BIND(%s AS ?key)
  %%s
}
ORDER BY DESC(?exact) DESC(?starts) DESC(?hit) ?alt STRLEN(?name) ?e
LIMIT %%d""" % (_ENTITY_PATTERN, FOLDED_NAME)
_IN_LAND = {"land": "?e ag:inState ?land .", "code": "?e ag:inState/ag:isoCode ?code ."}
HIT_DETAILS = """
SELECT ?e ?label ?label_en ?title ?land_label WHERE {
  OPTIONAL { ?e rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "de") || LANG(?label) = "") }
  OPTIONAL { ?e rdfs:label ?label_en FILTER(LANGMATCHES(LANG(?label_en), "en")) }
  OPTIONAL { ?e dct:title ?title }
  OPTIONAL { ?e ag:inState/rdfs:label ?land_label FILTER(LANGMATCHES(LANG(?land_label), "de")) }
}"""


def sparql_key(text: str) -> str:
    """The folding of the SPARQL search, for the query text."""
    text = unicodedata.normalize("NFC", text.casefold())  # casefold: ß -> ss
    for old, new in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ae", "a"), ("oe", "o"), ("ue", "u")):
        text = text.replace(old, new)
    return " ".join(WORD.findall(text))


def search_sparql(store: Store, text: str, kinds: tuple, land: str | None, limit: int):
    bindings, pattern = {"q": literal(sparql_key(text))}, ""
    if land and re.fullmatch(r"(?i)DE-[A-Z]{2}", land):
        bindings["code"], pattern = literal(land.upper()), _IN_LAND["code"]
    elif land:
        full = land if land.startswith(("http://", "https://")) else store.settings.base_iri + land
        bindings["land"], pattern = iri(full), _IN_LAND["land"]
    best: dict[str, dict] = {}
    for kind in kinds or (None,):  # one query per kind: ?cls is bound like ?q
        if kind:
            bindings["cls"] = iri(AG + kind)
        answer = store.query(SEARCH_QUERY % (pattern, limit * 4), bindings=bindings,
                             row_cap=limit * 4)
        for row in answer.records():
            if row.get("hit") == "true" and row["e"] not in best:
                best[row["e"]] = row
    ranked = sorted(best.values(), key=lambda r: (r["exact"] != "true", r["starts"] != "true",
                                                  r["alt"], len(r["name"])))
    return [_sparql_hit(store, row) for row in ranked[:limit]]


def _sparql_hit(store: Store, row: dict) -> Hit:
    details = store.query(HIT_DETAILS, bindings={"e": iri(row["e"])}, row_cap=50).records()
    first = details[0] if details else {}
    base = store.settings.base_iri
    slug = row["e"][len(base):] if row["e"].startswith(base) else row["e"]
    label = first.get("label") or first.get("title") or first.get("label_en") or slug
    lands = sorted({d["land_label"] for d in details if "land_label" in d})
    other = row["name"] if row["alt"] == "1" or row["name"] not in (
        label, first.get("label_en")) else None
    return Hit(row["e"], slug, label, row["cls"][len(AG):], ", ".join(lands) or None, other,
               first.get("label_en"))


FACET_KINDS = """SELECT ?cls (COUNT(DISTINCT ?e) AS ?n) WHERE { %s } GROUP BY ?cls
ORDER BY DESC(?n) ?cls""" % _ENTITY_PATTERN
FACET_LANDS = """
SELECT ?land ?label ?label_en ?code (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?land a ag:State .
  OPTIONAL { ?land rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "de")) }
  OPTIONAL { ?land rdfs:label ?label_en FILTER(LANGMATCHES(LANG(?label_en), "en")) }
  OPTIONAL { ?land ag:isoCode ?code }
  OPTIONAL { ?x ag:inState ?land }
} GROUP BY ?land ?label ?label_en ?code ORDER BY ?label"""


def facets_sparql(store: Store) -> Facets:
    kinds = {r["cls"][len(AG):]: int(r["n"]) for r in store.query(FACET_KINDS).records()}
    base, lands = store.settings.base_iri, {}
    for r in store.query(FACET_LANDS, row_cap=1000).records():
        slug = r["land"][len(base):] if r["land"].startswith(base) else r["land"]
        lands.setdefault(r["land"], Land(r["land"], slug, r.get("label") or slug,
                                         r.get("label_en"), r.get("code"), int(r["n"])))
    return Facets(kinds, list(lands.values()))
