"""Building the graph: read every source file, validate, write a new store generation."""
from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .search import INDEX_ARTIFACT, build_index
from .store import DataError, Store
from .store import rdfio
from .validation import ONTOLOGY_FILE, Violation

ONTOLOGY_GRAPH = "https://w3id.org/akteursgraph/ontology"
AG = "https://w3id.org/akteursgraph/ontology#"
IGNORED_SUFFIXES = {".md", ".txt", ".csv", ".json", ".toml", ".yaml", ".yml", ".license"}


class ValidationFailed(Exception):
    def __init__(self, violations: list[Violation]):
        super().__init__(f"{len(violations)} SHACL violation(s)")
        self.violations = violations


@dataclass
class Sources:
    """The parsed source files: quads, and which files speak of which entity."""

    quads: list = field(default_factory=list)
    origins: dict[str, set[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


@dataclass
class Summary:
    triples: int
    entities_per_class: dict[str, int]
    statements_per_source: dict[str, int]
    files: list[str]
    seconds: dict[str, float]

    def lines(self) -> list[str]:
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items() if k != "total")
        out = [f"{self.triples:,} statements from {len(self.files)} file(s) "
               f"(+ the ontology), in {self.seconds.get('total', 0.0):.1f} s ({parts})",
               "Entities per class:"]
        out += [f"  {count:>7,}  {name}" for name, count in self.entities_per_class.items()]
        out.append("Statements per source document:")
        out += [f"  {count:>7,}  {name}" for name, count in self.statements_per_source.items()]
        return out


def source_files(data_dir: Path) -> list[Path]:
    """The RDF files under ``data_dir``; anything else that is not documentation is an error."""
    if not data_dir.is_dir():
        raise DataError(f"the data directory {data_dir} does not exist",
                        hint="pass --data DIR with the curated source files")
    files = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix in rdfio.SOURCE_FORMATS:
            files.append(path)
        elif suffix not in IGNORED_SUFFIXES and not path.name.startswith("."):
            raise DataError(f"unknown format '{path.suffix}'", file=str(path),
                            hint=f"use one of {', '.join(sorted(rdfio.SOURCE_FORMATS))}, or move "
                                 "the file out of the data directory")
    return files


def read_sources(data_dir: Path, progress: Callable[[str], None] = lambda _: None) -> Sources:
    sources = Sources()
    files = source_files(data_dir)
    for number, path in enumerate(files, 1):
        display = _display(path)
        quads = rdfio.read_quads(path, display=display)
        progress(f"[{number}/{len(files)}] read {display}: {len(quads):,} statements")
        sources.quads.extend(quads)
        sources.files.append(display)
        for quad in quads:
            sources.origins.setdefault(rdfio.subject_iri(quad), set()).add(display)
    return sources


def validate(sources: Sources) -> list[Violation]:
    # The shapes run as SPARQL on a scratch Oxigraph store (pyshacl needs minutes for 10 k
    # statements); graph.fastvalidate falls back to pyshacl for shapes it cannot translate.
    from .fastvalidate import validate as validate_at_scale

    ontology = rdfio.read_quads(ONTOLOGY_FILE, into_graph=ONTOLOGY_GRAPH)
    return validate_at_scale(sources.quads, ontology, sources.origins)


def build(store: Store, data_dir: Path, *, progress: Callable[[str], None] = lambda _: None
          ) -> Summary:
    """Reads, validates and writes. The shapes run beside the writing (their queries let go
    of the GIL, so both cores work); the new graph is swapped in only when they pass, so bad
    data changes nothing."""
    began = time.perf_counter()
    seconds = {}
    sources = read_sources(data_dir, progress)
    ontology = rdfio.read_quads(ONTOLOGY_FILE, display=_display(ONTOLOGY_FILE),
                                into_graph=ONTOLOGY_GRAPH)
    seconds["parse"] = time.perf_counter() - began

    def checked() -> list[Violation]:
        started = time.perf_counter()
        try:
            return validate(sources)
        finally:
            seconds["validate"] = time.perf_counter() - started

    progress(f"validating {len(sources.quads):,} statements against the SHACL shapes, "
             f"writing the store beside it ({store.describe()})")
    with ThreadPoolExecutor(1, thread_name_prefix="validate") as beside:
        validation = beside.submit(checked)

        def passed() -> None:
            waiting = time.perf_counter()
            violations = validation.result()
            seconds["waiting for validation"] = time.perf_counter() - waiting
            if any(v.severity == "Violation" for v in violations):
                raise ValidationFailed(violations)

        started = time.perf_counter()
        summary = summarise(sources, seconds)
        quads = ontology + sources.quads
        index = build_index(quads, base_iri=store.settings.base_iri)
        try:
            store.replace(quads, artifacts={
                "summary.json": summary_json(summary), INDEX_ARTIFACT: index},
                before_swap=passed)
        finally:
            seconds["write"] = (time.perf_counter() - started
                                - seconds.get("waiting for validation", 0.0))
    seconds["total"] = time.perf_counter() - began
    return summary


def summarise(sources: Sources, seconds: dict[str, float]) -> Summary:
    typed: set[tuple[str, str]] = set()
    per_source: Counter[str] = Counter()
    for quad in sources.quads:
        per_source[rdfio.graph_name(quad)] += 1
        if rdfio.predicate_iri(quad) == rdfio.RDF_TYPE.value:
            cls = rdfio.object_iri(quad) or ""
            if cls.startswith(AG) and cls != AG + "Assertion":
                typed.add((rdfio.subject_iri(quad), cls[len(AG):]))
    classes = Counter(cls for _, cls in typed)
    return Summary(
        triples=len(sources.quads),
        entities_per_class=dict(classes.most_common()),
        statements_per_source=dict(per_source.most_common()),
        files=sources.files, seconds=seconds)


def summary_json(summary: Summary) -> bytes:
    """What the graph holds, kept beside it; the build's timings are not part of it (they are
    still being measured when the file is written)."""
    facts = {key: value for key, value in summary.__dict__.items() if key != "seconds"}
    return json.dumps(facts, ensure_ascii=False, indent=1).encode()


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
