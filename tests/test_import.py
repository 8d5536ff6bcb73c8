"""``akteursgraph import``: the real Kreise from data/districts.csv, mapped by a declared mapping,
with their source and licence as provenance; bad rows rejected with file:line: reason."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from graph.cli import main
from graph.importing import AG, convert, read_mapping, serialize, slugify
from graph.loading import build
from graph.settings import ROOT, Settings
from graph.store import open_store

DATA = ROOT / "data"
MAPPING = DATA / "districts.mapping.toml"
BASE = "https://w3id.org/akteursgraph/id/"
LAENDER_FILE = DATA / "laender-iso-3166-2.trig"
# rdflib's own TriG parser uses its deprecated ConjunctiveGraph API; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


@pytest.fixture(scope="module")
def imported():
    return convert(read_mapping(MAPPING), base_iri=BASE)


@pytest.fixture(scope="module")
def graph(imported):
    return imported.dataset.graph(imported.document)


def assertions_of(graph, subject, predicate):
    return [a for a in graph.subjects(RDF.subject, subject)
            if (a, RDF.predicate, predicate) in graph]


def test_every_kreis_becomes_an_entity_of_its_kind(imported, graph):
    assert imported.rows == 401 and not imported.rejected
    kinds = [graph.value(iri, RDF.type) for iri in imported.entities.values()]
    # 98 kreisfreie Städte + 9 Stadtkreise; 251 Landkreise + 42 Kreise + 1 Regionalverband.
    assert kinds.count(AG.Municipality) == 107
    assert kinds.count(AG.District) == 294


def test_ags_and_land_follow_the_regionalschluessel(imported, graph):
    laender = read_mapping(MAPPING)["lookups"]["laender"]
    for iri in imported.entities.values():
        ags = str(graph.value(iri, AG.ags))
        assert len(ags) == 5 and ags.isdigit(), iri
        assert graph.value(iri, AG.inState) == URIRef(BASE + laender[ags[:2]]), iri
        (assertion,) = assertions_of(graph, iri, AG.inState)
        assert graph.value(assertion, AG.inferred) == Literal(True)
        assert str(graph.value(assertion, AG.confidence)) == "1.0"
        assert "Regionalschlüssel" in str(graph.value(assertion, AG.inferenceReason))


def test_slugs_are_stable_and_never_take_a_land(imported, graph):
    entities = imported.entities
    assert graph.value(entities["berlin-11000"], RDFS.label) == Literal("Berlin", lang="de")
    assert "berlin" not in entities and "hamburg" not in entities and "bremen" not in entities
    assert graph.value(entities["landkreis-rostock"], RDFS.label) == \
        Literal("Landkreis Rostock", lang="de")
    assert graph.value(entities["rostock"], RDF.type) == AG.Municipality
    assert graph.value(entities["landkreis-karlsruhe"], RDF.type) == AG.District
    assert graph.value(entities["karlsruhe"], RDF.type) == AG.Municipality
    assert "region-hannover" in entities and "regionalverband-saarbruecken" in entities
    for slug in entities:
        assert slug == slugify(slug)


def test_the_passage_is_the_csv_row_verbatim_with_its_line(imported, graph):
    lines = (DATA / "districts.csv").read_text(encoding="utf-8").splitlines()
    flensburg = imported.entities["flensburg"]
    (assertion,) = assertions_of(graph, flensburg, AG.ags)
    assert str(graph.value(assertion, AG.passage)) == f"districts.csv Zeile 2: {lines[1]}"
    assert graph.value(assertion, PROV.wasDerivedFrom) == imported.document
    assert graph.value(flensburg, RDFS.label) == Literal("Flensburg", lang="de")


def test_the_source_and_its_licence_are_recorded(imported, graph):
    doc = imported.document
    assert graph.value(doc, RDF.type) == AG.SourceDocument
    assert graph.value(doc, DCTERMS.license) == \
        URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert "Destatis" in str(graph.value(doc, DCTERMS.publisher))
    assert str(graph.value(doc, DCTERMS.date)) == "2018-12-31"
    assert (DATA / "districts.LICENSE.md").read_text(encoding="utf-8").count("CC BY 4.0")


def test_the_committed_trig_is_what_the_mapping_gives(imported):
    """data/districts.trig is generated: re-import after changing the CSV or the mapping."""
    assert (DATA / "districts.trig").read_bytes() == serialize(imported)


def test_the_build_reads_the_imported_kreise(tmp_path):
    for source in (LAENDER_FILE, DATA / "districts.trig"):
        shutil.copy(source, tmp_path / source.name)
    store = open_store(Settings.from_env(store=":memory:", data=str(tmp_path)))
    try:
        build(store, tmp_path)
        rows = store.query("""
            PREFIX ag: <https://w3id.org/akteursgraph/ontology#>
            SELECT ?code (COUNT(?kreis) AS ?n) WHERE {
              ?kreis ag:inState ?land . ?land ag:isoCode ?code . ?kreis ag:ags ?ags
            } GROUP BY ?code""").records()
    finally:
        store.close()
    counts = {row["code"]: int(row["n"]) for row in rows}
    assert len(counts) == 16 and sum(counts.values()) == 401
    assert counts["DE-BY"] == 96 and counts["DE-BE"] == 1


def _workspace(tmp_path: Path, rows: list[str], mapping_edit=None) -> Path:
    shutil.copy(LAENDER_FILE, tmp_path / LAENDER_FILE.name)
    mapping = MAPPING.read_text(encoding="utf-8")
    if mapping_edit:
        mapping = mapping_edit(mapping)
    (tmp_path / MAPPING.name).write_text(mapping, encoding="utf-8")
    header = (DATA / "districts.csv").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "districts.csv").write_text("\n".join([header, *rows]) + "\n", "utf-8")
    return tmp_path / MAPPING.name


GOOD = "09563;Kreisfreie Stadt;Fürth;DE253;63.35;127748;62603;65145;2017"
BAD = [
    "9563;Kreisfreie Stadt;Fürth;DE253;63.35;127748;62603;65145;2017",
    "09564;Bezirk;Nürnberg;DE254;186.45;518365;252807;265558;2780",
    "09565;Kreisfreie Stadt;;DE255;40.80;40792;19895;20897;1000",
]


def test_rejected_rows_are_named_by_line_and_nothing_is_written(tmp_path, capsys):
    mapping = _workspace(tmp_path, [GOOD, *BAD])
    assert main(["import", str(mapping)]) == 1
    err = capsys.readouterr().err
    assert "districts.csv:3: AGS '9563' does not match" in err
    assert "districts.csv:4: unknown kind 'Bezirk'" in err
    assert "districts.csv:5: the column 'name' is empty" in err
    assert "nothing written" in err
    assert not (tmp_path / "districts.trig").exists()


def test_allow_rejects_writes_the_rows_that_fit(tmp_path, capsys):
    mapping = _workspace(tmp_path, [GOOD, *BAD])
    assert main(["import", str(mapping), "--allow-rejects"]) == 0
    dataset = Dataset()
    dataset.parse(tmp_path / "districts.trig", format="trig")
    labels = {str(o) for _, _, o, _ in dataset.quads((None, RDFS.label, None, None))}
    assert "Fürth" in labels and "Nürnberg" not in labels
    assert "4 row(s): 1 entities, 3 rejected, 0 violation(s); wrote" in capsys.readouterr().out


def test_an_import_that_breaks_a_shape_writes_nothing(tmp_path, capsys):
    """A lookup naming no Land: ag:inState points at an untyped IRI, which the shapes refuse."""
    mapping = _workspace(tmp_path, [GOOD],
                         lambda text: text.replace('"09" = "bayern"', '"09" = "atlantis"'))
    assert main(["import", str(mapping)]) == 1
    err = capsys.readouterr().err
    assert "id:fuerth ag:inState" in err and "Bad ag:inState" in err
    assert not (tmp_path / "districts.trig").exists()


PROGRAMMES = """# A curator's spreadsheet: one class for every row, links by slug.
[table]
file = "programme.csv"
delimiter = ","
required = ["Name"]

[document]
slug = "quelle-beispiel-programmliste"
title = "Beispielliste der Förderprogramme"
date = "2024-05"
publisher = "Beispielredaktion"
license = "https://creativecommons.org/licenses/by/4.0/"

[entity]
slug = "{label}"
slug_on_clash = "{label}-{Beginn}"
class = "ag:FundingProgramme"

[[entity.labels]]
label = "{Name}"

[[facts]]
property = "ag:funds"
iri = "{Foerderer}"
inverse = true

[[facts]]
property = "schema:startDate"
value = "{Beginn}"
datatype = "xsd:gYear"
"""


def test_a_spreadsheet_of_programmes_with_one_class(tmp_path, capsys):
    shutil.copy(LAENDER_FILE, tmp_path / LAENDER_FILE.name)
    (tmp_path / "programme.toml").write_text(PROGRAMMES, encoding="utf-8")
    (tmp_path / "programme.csv").write_text(
        'Name,Foerderer,Beginn\n"Digitale Dörfer, Pilot",bayern,2019\nSmarte Region,hessen,\n',
        encoding="utf-8")
    assert main(["import", str(tmp_path / "programme.toml")]) == 0, capsys.readouterr().err
    dataset = Dataset()
    dataset.parse(tmp_path / "programme.trig", format="trig")
    quads = set(dataset.quads((None, None, None, None)))
    pilot = URIRef(BASE + "digitale-doerfer-pilot")
    assert any(s == URIRef(BASE + "bayern") and p == AG.funds and o == pilot
               for s, p, o, _ in quads)
    passages = {str(o) for _, p, o, _ in quads if p == AG.passage}
    assert 'programme.csv Zeile 2: "Digitale Dörfer, Pilot",bayern,2019' in passages
    starts = [o for _, p, o, _ in quads if str(p) == "https://schema.org/startDate"]
    assert len(starts) == 1  # the empty Beginn of the second row states nothing
