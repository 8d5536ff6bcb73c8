"""Finding entities by name: a SQLite FTS5 index built with the graph, or SPARQL without one.

The index (``search.sqlite``, a store artifact) holds one row per name of an entity — its
labels and every ``skos:altLabel`` — folded: lower case, accents dropped, ``ß`` as ``ss``,
punctuation as spaces ("Baden-Württemberg" → ``baden wurttemberg``). A name with an umlaut
gets a second row spelt out (``baden wuerttemberg``) and a query is tried in both spellings,
so "Dörfer", "dorfer" and "doerfer" all find "Digitale Dörfer".

Hits come in tiers: the name equals the query, the name starts with it, each query word
starts a word of the name, the name contains it (FTS5 trigrams). Rows are stored
most-mentioned entity first, so every tier is read in stored order and stops after ``limit``
hits without sorting all matches; prefix indexes for 1–4 letters and merged FTS segments
keep even one-letter suggestions fast on a big graph.

A remote store keeps no artifacts: there one bounded SPARQL query does the work
(``graph.search_sparql``).
"""
from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .store import Store
from .store import rdfio

INDEX_ARTIFACT = "search.sqlite"
#: Raised with every change to SCHEMA; an index of another version is not used.
INDEX_VERSION = 2
AG = "https://w3id.org/akteursgraph/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
DCT_TITLE = "http://purl.org/dc/terms/title"
NOT_ENTITY_CLASSES = {AG + "Assertion", AG + "Status"}
MAX_QUERY_CHARS = 200

WORD = re.compile(r"[^\W_]+")
_ACCENT = re.compile(r"[\u0300-\u036f]")
_SPELT_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


@dataclass(frozen=True)
class Hit:
    iri: str
    slug: str
    label: str  # German label, else untagged, else English, else the slug
    kind: str  # local name of the entity's ag: class, e.g. "FederalMinistry"
    land: str | None  # label(s) of the Land(s) it is ag:inState, comma-separated
    matched_alt_label: str | None  # the other name that matched, when not the label
    label_en: str | None = None


@dataclass(frozen=True)
class Land:
    iri: str
    slug: str
    label: str
    label_en: str | None
    code: str | None
    entities: int  # how many entities are ag:inState this Land


@dataclass(frozen=True)
class Facets:
    kinds: dict[str, int]  # class local name -> number of entities, most first
    lands: list[Land]  # by label


# -- folding -------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case, accents dropped, ß as ss, words joined by one space."""
    text = text.casefold()
    if not text.isascii():
        text = _ACCENT.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(WORD.findall(text))


def spellings(text: str) -> list[str]:
    """The folded forms a name is indexed under and a query is tried in: plain, and with
    umlauts spelt out as slugs write them (ä → ae)."""
    plain = fold(text)
    if text.isascii():
        return [plain] if plain else []
    spelt = fold(unicodedata.normalize("NFC", text.casefold()).translate(_SPELT_OUT))
    return list(dict.fromkeys(k for k in (plain, spelt) if k))


# -- building ------------------------------------------------------------------------------
SCHEMA = """
CREATE TABLE entity (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, slug TEXT NOT NULL,
                     kind TEXT NOT NULL, label TEXT NOT NULL, label_en TEXT);
CREATE TABLE kind (name TEXT PRIMARY KEY, entities INTEGER NOT NULL);
CREATE TABLE land (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, slug TEXT NOT NULL,
                   label TEXT NOT NULL, label_en TEXT, code TEXT, entities INTEGER NOT NULL);
CREATE TABLE entity_land (land INTEGER NOT NULL, entity INTEGER NOT NULL,
                          PRIMARY KEY (land, entity)) WITHOUT ROWID;
CREATE INDEX entity_land_by_entity ON entity_land (entity);
CREATE TABLE name (id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, text TEXT NOT NULL,
                   alt INTEGER NOT NULL, key TEXT NOT NULL);
CREATE INDEX name_key ON name (key, entity);
CREATE VIRTUAL TABLE name_words USING fts5 (key, content='name', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4');
CREATE VIRTUAL TABLE name_grams USING fts5 (key, content='name', content_rowid='id',
    tokenize='trigram');
"""


def build_index(quads, *, base_iri: str) -> bytes:
    """The search index for ``quads`` (pyoxigraph quads) as the bytes of a SQLite file."""
    entities = _collect(quads, base_iri)
    handle, name = tempfile.mkstemp(prefix="akteursgraph-search-", suffix=".sqlite",
                                    dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.close(handle)
    try:
        db = sqlite3.connect(name)
        try:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            _write(db, entities)
            db.commit()
        finally:
            db.close()
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


def _collect(quads, base_iri: str) -> list[dict]:
    """One dict per entity (an IRI under ``base_iri`` with an ag: class), most-mentioned first."""
    kinds, labels, alts, lands, codes = {}, {}, {}, {}, {}
    mentions: Counter[str] = Counter()
    for quad in quads:
        subject, predicate = rdfio.subject_iri(quad), rdfio.predicate_iri(quad)
        target = rdfio.object_iri(quad)
        mentions[subject] += 1
        if target:
            mentions[target] += 1
        if predicate == rdfio.RDF_TYPE.value:
            if target and target.startswith(AG) and target not in NOT_ENTITY_CLASSES \
                    and subject.startswith(base_iri):
                kinds[subject] = target[len(AG):]
        elif target:
            if predicate == AG + "inState":
                lands.setdefault(subject, set()).add(target)
        elif predicate in (RDFS_LABEL, DCT_TITLE):
            key = (predicate == DCT_TITLE, getattr(quad.object, "language", None) or "")
            labels.setdefault(subject, {}).setdefault(key, set()).add(quad.object.value)
        elif predicate == ALT_LABEL:
            alts.setdefault(subject, set()).add(quad.object.value)
        elif predicate == AG + "isoCode":
            codes[subject] = quad.object.value
    entities = []
    for subject, kind in kinds.items():
        found = labels.get(subject, {})
        slug = subject[len(base_iri):]
        label = _first(found, "de") or _first(found, "") or _first(found, "en") or slug
        other = {*alts.get(subject, ()), *([codes[subject]] if subject in codes else [])}
        entities.append({
            "iri": subject, "slug": slug, "kind": kind, "label": label,
            "label_en": _first(found, "en"), "code": codes.get(subject),
            "names": sorted({label, *(n for group in found.values() for n in group)}),
            "alts": sorted(other),  # a Land is found by its ISO code too ("DE-BW")
            "lands": sorted(lands.get(subject, ())), "mentions": mentions[subject]})
    entities.sort(key=lambda e: (-e["mentions"], e["iri"]))
    return entities


def _first(labels: dict, lang: str) -> str | None:
    """The label in ``lang``, rdfs:label before dct:title; the smallest if several."""
    for is_title in (False, True):
        if labels.get((is_title, lang)):
            return min(labels[(is_title, lang)])
    return None


def _write(db: sqlite3.Connection, entities: list[dict]) -> None:
    db.executescript(SCHEMA)
    db.execute(f"PRAGMA user_version = {INDEX_VERSION:d}")
    ids = {e["iri"]: number for number, e in enumerate(entities, 1)}
    db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?)", [
        (ids[e["iri"]], e["iri"], e["slug"], e["kind"], e["label"], e["label_en"])
        for e in entities])
    db.executemany("INSERT INTO kind VALUES (?, ?)",
                   Counter(e["kind"] for e in entities).most_common())
    per_land = Counter(land for e in entities for land in e["lands"])
    db.executemany("INSERT INTO land VALUES (?, ?, ?, ?, ?, ?, ?)", [  # id: the State's
        (ids[e["iri"]], e["iri"], e["slug"], e["label"], e["label_en"], e["code"],
         per_land[e["iri"]]) for e in entities if e["kind"] == "State"])
    db.executemany("INSERT INTO entity_land VALUES (?, ?)", [
        (ids[land], ids[e["iri"]]) for e in entities for land in e["lands"] if land in ids])
    rows = []  # in entity order, labels before other names, short before long
    for e in entities:
        named = [(n, 0) for n in e["names"]] + [(a, 1) for a in e["alts"] if a not in e["names"]]
        keyed = [(alt, len(key), key, text) for text, alt in named for key in spellings(text)]
        rows += [(ids[e["iri"]], text, alt, key) for alt, _, key, text in sorted(keyed)]
    db.executemany("INSERT INTO name (entity, text, alt, key) VALUES (?, ?, ?, ?)", rows)
    for table in ("name_words", "name_grams"):
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # one segment
    db.execute("ANALYZE")


# -- searching -----------------------------------------------------------------------------
def index_path(store: Store) -> Path | None:
    """The current generation's search index, or None (remote store, none built, or one
    built by another version of this module)."""
    path = store.artifact(INDEX_ARTIFACT)
    if not path or not Path(path).is_file():
        return None
    db = open_index(Path(path))
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        version = None
    finally:
        db.close()
    return Path(path) if version == INDEX_VERSION else None


def open_index(path: Path) -> sqlite3.Connection:
    # A generation never changes once built: immutable skips all locking.
    return sqlite3.connect(path.as_uri() + "?mode=ro&immutable=1", uri=True,
                           check_same_thread=False)


def search(store: Store, text: str, *, kinds=(), land: str | None = None,
           limit: int = 10) -> list[Hit]:
    """Entities whose label or other name matches ``text``, best first.

    ``kinds`` are class local names ("Municipality"); ``land`` is a Land's slug, IRI or ISO
    code ("DE-BW"). Exact matches come first, then names starting with the text, then names
    whose words start with its words, then names containing it. With no text, the entities
    that pass the filters.
    """
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    limit = max(1, min(int(limit), 100))
    if not spellings(text) and not (kinds or land):
        return []  # without text, only a filter lists entities (most-mentioned first)
    path = index_path(store)
    if path is None:
        from .search_sparql import search_sparql  # imports this module's types
        return search_sparql(store, text, tuple(kinds), land, limit)
    db = open_index(path)
    try:
        return _search_index(db, text, tuple(kinds), land, limit)
    finally:
        db.close()


_SELECT = "SELECT n.entity, n.text, n.alt FROM "
_FTS = ("{0} f JOIN name n ON n.id = f.rowid JOIN entity e ON e.id = n.entity "
        "WHERE {0} MATCH ?", "f.rowid")
_TIERS = (  # (FROM and WHERE, ORDER BY); {where} takes the kind and Land filters
    ("name n JOIN entity e ON e.id = n.entity WHERE n.key = ?", "n.entity"),
    (_FTS[0].format("name_words"), _FTS[1]), (_FTS[0].format("name_words"), _FTS[1]),
    (_FTS[0].format("name_grams"), _FTS[1]))


def _tier_terms(keys: list[str]) -> list[list[str]]:
    """The match term(s) of each tier. Keys hold only letters, digits and single spaces, so
    quoting them as FTS5 strings is safe; each is still passed as a bound parameter."""
    starts = " OR ".join(f'(^"{k}"*)' for k in keys)
    words = " OR ".join("(" + " AND ".join(f'"{w}"*' for w in k.split()) + ")" for k in keys)
    grams = " OR ".join(f'"{k}"' for k in keys if len(k) >= 3)
    return [keys, [starts], [words], [grams] if grams else []]


def _search_index(db, text, kinds, land, limit) -> list[Hit]:
    where, filters = "", []
    if kinds:
        where += f" AND e.kind IN ({', '.join('?' * len(kinds))})"
        filters += list(kinds)
    if land:
        where += (" AND EXISTS (SELECT 1 FROM entity_land el WHERE el.land = ?"
                  " AND el.entity = e.id)")
        filters.append(_land_id(db, land))
    found: dict[int, tuple[str, int]] = {}
    keys = spellings(text)
    if not keys:
        rows = db.execute(f"SELECT e.id, e.label, 0 FROM entity e WHERE 1 {where} "
                          "ORDER BY e.id LIMIT ?", [*filters, limit])
        return _hits(db, {entity: (name, alt) for entity, name, alt in rows})
    for (source, order), terms in zip(_TIERS, _tier_terms(keys)):
        rows = []
        for term in terms:  # several only for exact keys; each read in stored order
            rows += db.execute(f"{_SELECT}{source}{where} ORDER BY {order} LIMIT ?",
                               [term, *filters, limit * 3]).fetchall()
        rows.sort(key=lambda row: row[0])
        tier: set[int] = set()
        for entity, name, alt in rows:
            if entity not in found and len(found) < limit:
                found[entity] = (name, alt)
                tier.add(entity)
            elif entity in tier and name == text:  # "DStGB" over "DSTGB": the one typed
                found[entity] = (name, alt)
        if len(found) >= limit:
            break
    return _hits(db, found)


def _land_id(db, land: str) -> int:
    row = db.execute("SELECT id FROM land WHERE iri = ? OR slug = ? OR code = ?",
                     (land, land, land.upper())).fetchone()
    return row[0] if row else 0  # no such Land: nothing is in it


def _hits(db, found: dict[int, tuple[str, int]]) -> list[Hit]:
    if not found:
        return []
    marks = ", ".join("?" * len(found))
    rows = {row[0]: row[1:] for row in db.execute(
        f"SELECT id, iri, slug, kind, label, label_en FROM entity WHERE id IN ({marks})",
        list(found))}
    lands: dict[int, list[str]] = {}
    for entity, label in db.execute(
            "SELECT el.entity, l.label FROM entity_land el JOIN land l ON l.id = el.land "
            f"WHERE el.entity IN ({marks}) ORDER BY l.label", list(found)):
        lands.setdefault(entity, []).append(label)
    hits = []
    for entity, (name, alt) in found.items():
        iri_, slug, kind, label, label_en = rows[entity]
        other = name if alt or name not in (label, label_en) else None
        hits.append(Hit(iri_, slug, label, kind, ", ".join(lands.get(entity, [])) or None,
                        other, label_en))
    return hits


def facets(store: Store) -> Facets:
    """The kinds of entity and the 16 Länder, each with how many entities it has."""
    path = index_path(store)
    if path is None:
        from .search_sparql import facets_sparql
        return facets_sparql(store)
    db = open_index(path)
    try:
        kinds = dict(db.execute("SELECT name, entities FROM kind ORDER BY entities DESC, name"))
        lands = [Land(*row) for row in db.execute(
            "SELECT iri, slug, label, label_en, code, entities FROM land ORDER BY label")]
    finally:
        db.close()
    return Facets(kinds, lands)
