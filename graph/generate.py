"""``akteursgraph generate``: a seeded, deterministic synthetic landscape at national scale.

On top of the real frame — the 16 Länder and the 401 Kreise imported from
``data/districts.csv`` — it invents Gemeinden with 8-digit AGS inside their real Kreis,
ministries, associations, digital agencies, networks, programmes with funders and
beneficiaries, competitions with winners, projects, events and persons, all in the public
vocabulary and every fact with an ``ag:Assertion`` (passage and source document), so that a
build validates it like curated data. The same seed and size always give the same bytes.

The statements are written with rdflib's serialisers, one source document (named graph) at a
time, so memory stays flat at any size.
"""
from __future__ import annotations

import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from .cli import command
from .importing import AG, convert, read_mapping, slugify
from .settings import ROOT
from .store import PREFIXES, DataError

SIZES = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
DEFAULT_SEED = 20261122
#: Facts per synthetic source document (one named graph each).
FACTS_PER_DOCUMENT = 600
PUBLISHER = "akteursgraph-Generator (synthetische Testdaten)"


def parse_size(text: str) -> int:
    """'100k', '1m', '5m' or a plain number of statements."""
    if text.lower() in SIZES:
        return SIZES[text.lower()]
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise DataError(f"unknown size {text!r}", hint="use 100k, 1m, 5m or a number") from None
    if value < 10_000:
        raise DataError("the smallest size is 10000 statements", hint="ask for more")
    return value


@dataclass
class Kreis:
    iri: URIRef
    label: str
    ags: str
    kind: str  # District or Municipality (a kreisfreie Stadt)

    @property
    def land(self) -> str:
        return self.ags[:2]


@dataclass
class Frame:
    """The real entities the synthetic ones attach to."""

    laender: dict[str, URIRef]  # Länderschlüssel -> Land IRI
    kreise: list[Kreis]
    slugs: set[str] = field(default_factory=set)  # taken by the frame


def load_frame(data_dir: Path, base_iri: str) -> Frame:
    """The Länder and Kreise as ``data/districts.mapping.toml`` maps ``districts.csv``."""
    mapping_file = data_dir / "districts.mapping.toml"
    if not mapping_file.exists():
        raise DataError("the national frame is missing", file=str(mapping_file),
                        hint="generate builds on data/districts.csv and its mapping")
    mapping = read_mapping(mapping_file)
    imported = convert(mapping, base_iri=base_iri)
    graph = imported.dataset.graph(imported.document)
    kreise = []
    for iri in imported.entities.values():
        kind = str(graph.value(iri, RDF.type)).rsplit("#", 1)[-1]
        kreise.append(Kreis(iri, str(graph.value(iri, RDFS.label)),
                            str(graph.value(iri, AG.ags)), kind))
    laender = {code: URIRef(base_iri + slug)
               for code, slug in mapping["lookups"]["laender"].items()}
    slugs = set(imported.entities) | {str(i)[len(base_iri):] for i in laender.values()}
    return Frame(laender, sorted(kreise, key=lambda k: k.ags), slugs)


class Writer:
    """Collects statements into synthetic source documents and writes each one out whole."""

    def __init__(self, out, fmt: str, base_iri: str, seed: int):
        self.out, self.fmt, self.base = out, fmt, base_iri
        self.seed = seed
        self.statements = 0
        self.classes: Counter[str] = Counter()
        self.slugs: set[str] = set()
        self._documents = 0
        self._facts = 0
        self._dataset: Dataset | None = None
        self._new_document()

    def iri(self, label: str) -> URIRef:
        """A fresh entity IRI from the label; a taken slug gets -2, -3, …"""
        base = slugify(label)
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return URIRef(self.base + slug)

    def entity(self, cls: str, label: str, *, alt: str | None = None,
               iri: URIRef | None = None) -> URIRef:
        subject = iri or self.iri(label)
        self._add(subject, RDF.type, AG[cls])
        self._add(subject, RDFS.label, Literal(label, lang="de"))
        if alt:
            self._add(subject, SKOS.altLabel, Literal(alt, lang="de"))
        self.classes[cls] += 1
        return subject

    def fact(self, subject, predicate, value, passage: str, *,
             reason: str | None = None, confidence: str = "1.0") -> None:
        """The triple and its ag:Assertion (passage, source document, inference)."""
        if self._facts >= FACTS_PER_DOCUMENT:
            self._new_document()
        self._facts += 1
        self._add(subject, predicate, value)
        node = BNode(f"s{self._documents}f{self._facts}")
        self._add(node, RDF.type, AG.Assertion)
        self._add(node, RDF.subject, subject)
        self._add(node, RDF.predicate, predicate)
        self._add(node, RDF.object, value)
        self._add(node, AG.passage, Literal(passage, lang="de"))
        self._add(node, PROV.wasDerivedFrom, self._document)
        if reason:
            self._add(node, AG.inferred, Literal(True))
            self._add(node, AG.inferenceReason, Literal(reason, lang="de"))
            self._add(node, AG.confidence, Literal(confidence, datatype=XSD.decimal))

    def _add(self, s, p, o) -> None:
        self._graph.add((s, p, o))
        self.statements += 1

    def _new_document(self) -> None:
        self.flush()
        self._documents += 1
        self._facts = 0
        number = self._documents
        self._document = URIRef(f"{self.base}quelle-synthetisch-{number:06d}")
        self._dataset = Dataset()
        for prefix, namespace in PREFIXES.items():
            self._dataset.bind(prefix, namespace)
        self._graph = self._dataset.graph(self._document)
        rng = random.Random(self.seed * 1_000_003 + number)
        year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
        doc = self._document
        self._add(doc, RDF.type, AG.SourceDocument)
        self._add(doc, DCTERMS.title, Literal(
            f"Synthetischer Bericht Nr. {number} zur Verwaltungsdigitalisierung", lang="de"))
        self._add(doc, DCTERMS.date, Literal(f"{year}-{month:02d}-{day:02d}",
                                             datatype=XSD.date))
        self._add(doc, DCTERMS.publisher, Literal(PUBLISHER))
        self._add(doc, SKOS.editorialNote, Literal(
            f"Erfundene Testdaten für Lasttests (Seed {self.seed}); keine Aussage hier "
            "beschreibt die Wirklichkeit.", lang="de"))

    def flush(self) -> None:
        if self._dataset is None:
            return
        if self.fmt == "nq":  # one statement per line: sorted, the bytes do not depend on
            body = self._dataset.serialize(format="nquads", encoding="utf-8")  # hash order
            self.out.write(b"".join(sorted(line for line in body.splitlines(keepends=True)
                                           if line.strip())))
        else:
            self.out.write(self._dataset.serialize(format="trig", encoding="utf-8"))
        self._dataset = None


def generate(size: int, out, *, fmt: str = "nq", seed: int = DEFAULT_SEED,
             data_dir: Path = ROOT / "data",
             base_iri: str = "https://w3id.org/akteursgraph/id/") -> Writer:
    """Writes about ``size`` statements to the binary stream ``out``; returns the writer
    (statement count, entities per class)."""
    from . import generate_kinds

    frame = load_frame(data_dir, base_iri)
    writer = Writer(out, fmt, base_iri, seed)
    writer.slugs |= frame.slugs
    generate_kinds.Landscape(writer, frame, random.Random(seed), size).build()
    writer.flush()
    return writer


def _configure(parser) -> None:
    parser.add_argument("--size", required=True, help="100k, 1m, 5m or a number of statements")
    parser.add_argument("--out", required=True, help="the file to write: .nq (N-Quads, fastest "
                        "to read) or .trig")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"the random seed (default {DEFAULT_SEED}); same seed, same file")
    parser.add_argument("--data", metavar="DIR", help="where districts.csv and its mapping are "
                        "(default: data/ in the repository)")


@command("generate", "write a synthetic national-scale landscape for benchmarks and load tests",
         configure=_configure)
def cmd_generate(args, settings) -> int:
    """Invents a realistic landscape (Gemeinden, ministries, associations, agencies, networks,
    programmes, competitions, projects, events, persons) on top of the real Länder and Kreise,
    every fact with provenance, deterministic for a seed. Build it together with
    data/laender-iso-3166-2.trig and data/districts.trig."""
    size = parse_size(args.size)
    out = Path(args.out)
    fmt = "trig" if out.suffix.lower() == ".trig" else "nq"
    if out.suffix.lower() not in (".trig", ".nq"):
        raise DataError("--out must end in .nq or .trig", file=str(out))
    started = time.perf_counter()
    data_dir = Path(args.data) if args.data else ROOT / "data"
    partial = out.with_name(out.name + ".part")
    with open(partial, "wb") as handle:
        writer = generate(size, handle, fmt=fmt, seed=args.seed, data_dir=data_dir,
                          base_iri=settings.base_iri)
    partial.replace(out)
    print(f"{writer.statements:,} statements in {time.perf_counter() - started:.1f} s -> {out}")
    for cls, count in writer.classes.most_common():
        print(f"  {count:>9,}  {cls}", file=sys.stderr)
    return 0
