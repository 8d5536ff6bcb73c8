"""``akteursgraph import``: a table (CSV) becomes statements in the vocabulary, by a declared
mapping (a TOML file such as ``data/districts.mapping.toml``).

Each row becomes one entity — of the class its kind column names, or of one class for every
row (a spreadsheet of programmes or contacts) — with facts whose
``ag:Assertion`` quotes the row verbatim (file and line) as its passage, in the named graph of
the ``ag:SourceDocument`` the mapping describes (title, date, publisher, licence). Rows that
cannot be mapped are rejected with ``file:line: reason``. The result is validated with the
same SHACL shapes as a build — together with the other files of the data directory, which
hold the entities it links to — before anything is written; the output is a TriG file in the
data directory that ``akteursgraph build`` reads like any other.
"""
from __future__ import annotations

import csv
import re
import sys
import tempfile
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, BNode, Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from . import loading
from .cli import command
from .store import PREFIXES, DataError, rdfio

AG = Namespace(PREFIXES["ag"])
SCHEMA = Namespace(PREFIXES["schema"])
_TEMPLATE = re.compile(r"\{(\w+)(?:\|(\w+)(?::(\d+))?)?\}")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                          "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "Ss"})


class MappingError(DataError):
    """The mapping file itself is wrong (a key missing, a template naming no column)."""


def slugify(text: str) -> str:
    """The slug rule of the vocabulary: lower-case ASCII, umlauts spelt out, words joined by -."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


@dataclass(frozen=True)
class Rejected:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class Imported:
    dataset: Dataset
    document: URIRef
    entities: dict[str, URIRef] = field(default_factory=dict)  # slug -> IRI
    rejected: list[Rejected] = field(default_factory=list)
    rows: int = 0


class _Row(dict):
    """A row's cells by column name; ``fill`` expands a template and names what is missing."""

    def fill(self, template: str) -> str:
        def cell(match: re.Match) -> str:
            column, flt, arg = match.groups()
            if column not in self:
                raise MappingError(f"the template {template!r} names the column {column!r}, "
                                   f"which the table does not have")
            value = self[column]
            if flt == "before_comma":
                return value.split(", ", 1)[0]
            if flt == "first":
                return value[: int(arg)]
            if flt:
                raise MappingError(f"unknown template filter {flt!r} in {template!r}",
                                   hint="use before_comma or first:N")
            return value
        return _TEMPLATE.sub(cell, template)


def read_mapping(path: Path) -> dict:
    try:
        mapping = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MappingError(str(error), file=str(path)) from None
    for key in ("table", "document", "entity", "facts"):
        if key not in mapping:
            raise MappingError(f"the mapping has no [{key}] section", file=str(path))
    if ("class" in mapping["entity"]) == ("class_column" in mapping["entity"]):
        raise MappingError("[entity] needs either 'class' (one class for every row) or "
                           "'class_column' with [entity.classes]", file=str(path))
    for key in ("slug", "title", "date", "publisher", "license"):
        if key not in mapping["document"]:
            raise MappingError(f"[document] needs '{key}'", file=str(path))
    mapping["_dir"] = path.parent
    return mapping


def expand(name: str, base_iri: str) -> URIRef:
    """A prefixed name of the vocabulary (ag:District), a full IRI, or a slug."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    if name.startswith(("http://", "https://")):
        return URIRef(name)
    return URIRef(base_iri + slugify(name))


def _date_literal(text: str) -> Literal:
    kind = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}.get(len(text))
    if kind is None:
        raise MappingError(f"[document] date {text!r}: write YYYY-MM-DD, YYYY-MM or YYYY")
    return Literal(text, datatype=kind)


def _describe_document(dataset: Dataset, mapping: dict, base_iri: str) -> URIRef:
    meta = mapping["document"]
    doc = URIRef(base_iri + meta["slug"])
    graph = dataset.graph(doc)
    graph.add((doc, RDF.type, AG.SourceDocument))
    graph.add((doc, DCTERMS.title, Literal(meta["title"], lang=meta.get("title_lang"))))
    graph.add((doc, DCTERMS.date, _date_literal(meta["date"])))
    graph.add((doc, DCTERMS.publisher, Literal(meta["publisher"])))
    graph.add((doc, DCTERMS.license, URIRef(meta["license"])))
    if meta.get("url"):
        graph.add((doc, SCHEMA.url, URIRef(meta["url"])))
    if meta.get("source"):
        graph.add((doc, DCTERMS.source, URIRef(meta["source"])))
    if meta.get("note"):
        graph.add((doc, SKOS.editorialNote, Literal(meta["note"], lang="de")))
    return doc


def _records(path: Path, delimiter: str):
    """(line number, verbatim text, cells) per record; quoted cells may span lines."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"cannot read the table: {error}", file=str(path)) from None
    reader = csv.reader(iter(lines), delimiter=delimiter)
    consumed = 0
    for cells in reader:
        first = consumed + 1
        consumed = reader.line_num
        yield first, "".join(lines[first - 1:consumed]).rstrip("\r\n"), cells


def convert(mapping: dict, *, base_iri: str) -> Imported:
    """Maps every row of the mapping's table; rows that do not fit go to ``rejected``."""
    table = mapping["table"]
    path = Path(mapping["_dir"]) / table["file"]
    name = path.name
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    result = Imported(dataset, _describe_document(dataset, mapping, base_iri))
    graph = dataset.graph(result.document)
    entity = mapping["entity"]
    reserved = set(mapping.get("lookups", {}).get(entity.get("reserved_slugs_from", ""), {})
                   .values())
    records = _records(path, table.get("delimiter", ","))
    try:
        _, _, header = next(records)
    except StopIteration:
        raise DataError("the table is empty", file=str(path)) from None
    pending = []
    for line, text, cells in records:
        if not any(c.strip() for c in cells):
            continue
        result.rows += 1
        row = _Row(zip(header, (c.strip() for c in cells)))
        reason = _reject_reason(row, cells, header, mapping)
        if reason:
            result.rejected.append(Rejected(name, line, reason))
            continue
        pending.append((line, text, row))
    labels = {}
    for line, text, row in pending:
        labels[line] = _label(row, entity)
    taken = {}
    for line, text, row in pending:  # a slug two rows share goes to neither: both get the AGS
        slug = slugify(_Row(row, label=labels[line]).fill(entity["slug"]))
        taken[slug] = taken.get(slug, 0) + 1
    for line, text, row in pending:
        row = _Row(row, label=labels[line])
        slug = slugify(row.fill(entity["slug"]))
        if taken[slug] > 1 or slug in reserved:
            slug = slugify(row.fill(entity["slug_on_clash"]))
        if slug in result.entities:
            result.rejected.append(Rejected(name, line, f"the slug {slug!r} is already taken "
                                            "by an earlier row; the table holds a duplicate"))
            continue
        subject = URIRef(base_iri + slug)
        result.entities[slug] = subject
        _add_row(graph, subject, row, f"{name} Zeile {line}: {text}", mapping, result.document,
                 base_iri, line)
    return result


def _reject_reason(row: _Row, cells: list, header: list, mapping: dict) -> str | None:
    table, entity = mapping["table"], mapping["entity"]
    if len(cells) != len(header):
        return f"has {len(cells)} fields, the header has {len(header)}"
    for column in table.get("required", []):
        if not row.get(column):
            return f"the column {column!r} is empty"
    for column, pattern in table.get("patterns", {}).items():
        if not re.search(pattern, row.get(column, "")):
            return f"{column} {row.get(column)!r} does not match {pattern}"
    kind = row.get(entity["class_column"], "") if "class_column" in entity else None
    if kind is not None and kind not in entity["classes"]:
        return (f"unknown kind {kind!r} in column {entity['class_column']!r} "
                f"(known: {', '.join(entity['classes'])})")
    for fact in mapping["facts"]:
        if "lookup" in fact:
            key = row.fill(fact["iri"])
            if key and key not in mapping.get("lookups", {}).get(fact["lookup"], {}):
                return f"no entry {key!r} in the lookup '{fact['lookup']}' for {fact['property']}"
    return None


def _label(row: _Row, entity: dict) -> str:
    for rule in entity.get("labels", [{"label": "{name}"}]):
        if all(re.search(p, row.get(c, "")) for c, p in rule.get("when", {}).items()):
            return row.fill(rule["label"])
    raise MappingError("no [[entity.labels]] rule matches; end the list with one without 'when'")


def _add_row(graph, subject: URIRef, row: _Row, passage: str, mapping: dict, document: URIRef,
             base_iri: str, line: int) -> None:
    entity = mapping["entity"]
    cls = entity["classes"][row[entity["class_column"]]] if "class_column" in entity \
        else entity["class"]
    graph.add((subject, RDF.type, expand(cls, base_iri)))
    graph.add((subject, RDFS.label, Literal(row["label"], lang="de")))
    for template in entity.get("alt_labels", []):
        alt = row.fill(template)
        if alt and alt != row["label"]:
            graph.add((subject, SKOS.altLabel, Literal(alt, lang="de")))
    for number, fact in enumerate(mapping["facts"], 1):
        predicate = expand(fact["property"], base_iri)
        text = row.fill(fact["iri"] if "iri" in fact else fact["value"])
        if not text:
            continue  # an empty cell states nothing
        if "iri" in fact:
            value = expand(mapping["lookups"][fact["lookup"]][text] if "lookup" in fact
                           else text, base_iri)
        else:
            value = Literal(text, lang=fact.get("lang"), datatype=expand(
                fact["datatype"], base_iri) if fact.get("datatype") else None)
        # 'inverse': the row's entity is the object ("Förderer" funds the programme).
        fact_subject, fact_object = (value, subject) if fact.get("inverse") else (subject, value)
        graph.add((fact_subject, predicate, fact_object))
        # Deterministic node names keep the output byte-stable between runs.
        node = BNode(f"r{line}f{number}")
        graph.add((node, RDF.type, AG.Assertion))
        graph.add((node, RDF.subject, fact_subject))
        graph.add((node, RDF.predicate, predicate))
        graph.add((node, RDF.object, fact_object))
        graph.add((node, AG.passage, Literal(passage)))
        graph.add((node, PROV.wasDerivedFrom, document))
        if fact.get("inferred"):
            graph.add((node, AG.inferred, Literal(True)))
            graph.add((node, AG.inferenceReason, Literal(row.fill(fact["reason"]), lang="de")))
            graph.add((node, AG.confidence, Literal(fact["confidence"], datatype=XSD.decimal)))


def serialize(imported: Imported) -> bytes:
    data = imported.dataset.serialize(format="trig")
    return data.encode() if isinstance(data, str) else data


def check(body: bytes, data_dir: Path, out: Path) -> list:
    """Validates the import together with the other files of ``data_dir`` (which define the
    entities it links to), exactly as a build would see them."""
    sources = loading.Sources()
    for path in loading.source_files(data_dir):
        if path.resolve() != out.resolve():
            _add_file(sources, path, loading._display(path))
    with tempfile.NamedTemporaryFile(suffix=".trig") as handle:
        handle.write(body)
        handle.flush()
        _add_file(sources, Path(handle.name), loading._display(out))
    return [v for v in loading.validate(sources) if v.severity == "Violation"]


def _add_file(sources, path: Path, display: str) -> None:
    quads = rdfio.read_quads(path, display=display)
    sources.quads.extend(quads)
    sources.files.append(display)
    for quad in quads:
        sources.origins.setdefault(rdfio.subject_iri(quad), set()).add(display)


def _configure(parser) -> None:
    parser.add_argument("mapping", help="the mapping file (TOML), e.g. "
                        "data/districts.mapping.toml; the table it names sits beside it")
    parser.add_argument("--out", help="the TriG file to write (default: the mapping's "
                        "'output', beside the mapping)")
    parser.add_argument("--allow-rejects", action="store_true", help="write the rows that "
                        "fit even if some were rejected (the exit status is 0 then)")
    parser.add_argument("--data", metavar="DIR", help="the data directory whose files the "
                        "import is validated with (default: the mapping's directory)")


@command("import", "map a table (CSV) to the vocabulary by a declared mapping, validate, "
         "write TriG", configure=_configure)
def cmd_import(args, settings) -> int:
    """Reads the table a mapping file names, maps every row to an entity with its facts and
    their provenance (the row verbatim as passage, the source document with its licence),
    reports rejected rows as file:line: reason, validates the result with the SHACL shapes
    together with the data directory, and only then writes the TriG file."""
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    mapping_path = Path(args.mapping)
    mapping = read_mapping(mapping_path)
    out = Path(args.out) if args.out else mapping_path.parent / mapping.get(
        "output", mapping_path.stem.removesuffix(".mapping") + ".trig")
    imported = convert(mapping, base_iri=settings.base_iri)
    for rejected in imported.rejected:
        say(f"rejected: {rejected}")
    body = serialize(imported)
    data_dir = Path(args.data) if args.data else mapping_path.parent
    violations = check(body, data_dir, out)
    for violation in violations:
        say(f"Violation: {violation}")
    summary = (f"{imported.rows} row(s): {len(imported.entities)} entities, "
               f"{len(imported.rejected)} rejected, {len(violations)} violation(s)")
    if violations:
        say(f"{summary}; nothing written")
        return 1
    if imported.rejected and not args.allow_rejects:
        say(f"{summary}; nothing written (pass --allow-rejects to write the rows that fit)")
        return 1
    out.write_bytes(body)
    print(f"{summary}; wrote {out}")
    return 0
