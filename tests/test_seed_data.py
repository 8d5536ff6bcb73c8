"""Checks of the curated seed data (data/*.trig) against the source documents it was taken from.

The seed documents live in the steering repository's shared/seeds/, which sits beside this clone
(../shared/seeds). Each failure message names the entry and says how to fix it.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SEEDS = REPO.parent / "shared" / "seeds"
ONTOLOGY = REPO / "ontology"

AG = Namespace("https://w3id.org/akteursgraph/ontology#")
ID = Namespace("https://w3id.org/akteursgraph/id/")

DATA_FILES = ("bundeslaenderworkshop-2020.trig", "staedtetag-folien.trig", "laender-iso-3166-2.trig")
ISO_DOC = ID["quelle-iso-3166-2-de"]
WORKSHOP_DOC = ID["quelle-bundeslaenderworkshop-2020"]
WORKSHOP = ID["6-bundeslaenderworkshop"]
WORKSHOP_SEED = "004_26ab1bf8f7ab3384.txt"

# Quotations in the sources that are quoted speech, not names, identified by how they open.
SPEECH_OPENINGS = (
    "Verwaltungen und Unternehmen",  # Thomas Jarzombek, BMWi
    "Die digitale Verwaltung",  # Hannes Kühn, NKR
    "Um eine flächendeckende",  # Dr. Kay Ruge, Deutscher Landkreistag
    "In der Corona-Krise",  # Alexander Handschuh, Deutscher Städte- und Gemeindebund
)

# „…“ (German quotes, also closed by ”) and "…" (ASCII).
QUOTE_PATTERNS = (re.compile(r"„([^„“”]+)[“”]"), re.compile(r'"([^"]+)"'))

# Predicates that need no ag:Assertion: names, notes and the provenance terms themselves.
NOT_FACTS = {
    RDF.type, RDFS.label, SKOS.altLabel, SKOS.prefLabel, SKOS.editorialNote,
    AG.passage, PROV.wasDerivedFrom, AG.inferred, AG.inferenceReason, AG.confidence, AG.ambiguity,
    RDF.subject, RDF.predicate, RDF.object, AG.localFile,
}
SOURCE_DOCUMENT_METADATA = {DCTERMS.title, DCTERMS.date, DCTERMS.publisher}

ISO_CODES = {
    "DE-BW", "DE-BY", "DE-BE", "DE-BB", "DE-HB", "DE-HH", "DE-HE", "DE-MV",
    "DE-NI", "DE-NW", "DE-RP", "DE-SL", "DE-SN", "DE-ST", "DE-SH", "DE-TH",
}

VOCABULARY_CLASSES = {
    AG[name] for name in (
        "FederalMinistry StateMinistry FederalBody State District Municipality Association DigitalAgency "
        "Network Company OrganisationalUnit Person Initiative FundingProgramme Competition Prize Project "
        "Portal Platform App Strategy Law Event Publication SourceDocument"
    ).split()
}


def fold(text):
    """Whitespace folded to single spaces, markdown emphasis markers (** and *) removed."""
    return re.sub(r"\s+", " ", str(text).replace("**", "").replace("*", "")).strip()


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


def require_seeds():
    """Fail (never skip) when the seed documents are missing."""
    if not SEEDS.is_dir():
        pytest.fail(
            f"Seed documents not found: expected the folder {SEEDS} (shared/seeds of the steering "
            f"repository, checked out beside this repository as ../shared). The data tests compare every "
            f"passage with these files and cannot run without them."
        )


@pytest.fixture(scope="module")
def seeds():
    """Seed file name -> folded text."""
    require_seeds()
    texts = {p.name: fold(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))}
    if WORKSHOP_SEED not in texts:
        pytest.fail(f"Seed document {WORKSHOP_SEED} not found in {SEEDS}.")
    return texts


@pytest.fixture(scope="module")
def graphs():
    """(data file name, named graph) for every named graph of every data file."""
    result = []
    for name in DATA_FILES:
        path = DATA / name
        assert path.is_file(), f"Missing data file {path}: one TriG file per source document is expected."
        ds = rdflib.Dataset()
        ds.parse(path, format="trig")
        default = ds.default_graph
        assert len(default) == 0, (
            f"{name}: {len(default)} triples outside a named graph; put every triple inside "
            f"GRAPH id:quelle-… {{ … }} of its source document."
        )
        named = [g for g in ds.graphs() if g.identifier != default.identifier and len(g)]
        assert len(named) == 1, f"{name}: expected exactly one named graph (its source document), found {len(named)}."
        result.append((name, named[0]))
    return result


@pytest.fixture(scope="module")
def union(graphs):
    g = rdflib.Graph()
    for _name, graph in graphs:
        for triple in graph:
            g.add(triple)
    return g


def assertions(graph):
    return set(graph.subjects(RDF.type, AG.Assertion))


def entity_by_label(union, text):
    hits = {s for p in (RDFS.label, SKOS.altLabel) for s, _p, o in union.triples((None, p, None))
            if fold(o) == text}
    assert len(hits) == 1, f"Expected exactly one entity labelled {text!r}, found {sorted(hits)}."
    return hits.pop()


# --------------------------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------------------------


def test_seed_documents_are_present():
    require_seeds()


def test_each_graph_is_its_source_document(graphs):
    for name, graph in graphs:
        doc = graph.identifier
        assert (doc, RDF.type, AG.SourceDocument) in graph, (
            f"{name}: the graph <{doc}> must describe itself as ag:SourceDocument (with dct:title, dct:date, "
            f"dct:publisher) inside the graph."
        )
        for a in assertions(graph):
            assert graph.value(a, PROV.wasDerivedFrom) == doc, (
                f"{name}: assertion about <{graph.value(a, RDF.subject)}> must have prov:wasDerivedFrom <{doc}>, "
                f"the graph it lives in."
            )


def test_every_entity_has_one_vocabulary_class_and_a_slug(union):
    entities = {s for s in union.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ID))}
    for e in sorted(entities):
        slug = str(e)[len(str(ID)):]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), (
            f"Bad slug {slug!r}: lower-case ASCII words joined by '-', umlauts spelt out (ä→ae, ß→ss)."
        )
        classes = {c for c in union.objects(e, RDF.type) if str(c).startswith(str(AG))}
        assert len(classes) == 1 and classes <= VOCABULARY_CLASSES, (
            f"<{e}> has ag: classes {sorted(classes)}; give it exactly one, the most specific class of "
            f"the vocabulary (e.g. ag:FundingProgramme)."
        )


# --------------------------------------------------------------------------------------------
# 1. Every quoted name is a label
# --------------------------------------------------------------------------------------------


def test_every_quoted_name_is_a_label(seeds, union):
    labels = {fold(o) for p in (RDFS.label, SKOS.altLabel) for o in union.objects(None, p)}
    missing, speech_seen, found = [], set(), 0
    for file_name, text in seeds.items():
        for pattern in QUOTE_PATTERNS:
            for match in pattern.finditer(text):
                quoted = fold(match.group(1))
                speech = [s for s in SPEECH_OPENINGS if quoted.startswith(s)]
                if speech:
                    speech_seen.update(speech)
                    continue
                found += 1
                if quoted not in labels:
                    missing.append(f"{quoted!r} ({file_name})")
    assert found, "No quoted names found in the seeds: the quotation patterns no longer match."
    assert not missing, (
        "Quoted names without an entity: add each as rdfs:label or skos:altLabel, exactly as written "
        "between the quotes: " + "; ".join(missing)
    )
    assert speech_seen == set(SPEECH_OPENINGS), (
        f"Speech allow-list entries that match no quotation (remove them): {set(SPEECH_OPENINGS) - speech_seen}"
    )


# --------------------------------------------------------------------------------------------
# 2. Every passage is verbatim in its document
# --------------------------------------------------------------------------------------------


def test_every_passage_is_verbatim_in_its_source(seeds, graphs, union):
    for name, graph in graphs:
        for a in assertions(graph):
            passage = graph.value(a, AG.passage)
            assert passage is not None, f"{name}: assertion about <{graph.value(a, RDF.subject)}> has no ag:passage."
            doc = graph.value(a, PROV.wasDerivedFrom)
            local = union.value(doc, AG.localFile)
            if local is None:
                assert doc == ISO_DOC, f"{name}: source document <{doc}> has no ag:localFile naming its seed file."
                assert re.fullmatch(r"DE-[A-Z]{2} .+", str(passage)), (
                    f"{name}: ISO passage {str(passage)!r} must be the code and name as in the standard, "
                    f"e.g. 'DE-BW Baden-Württemberg'."
                )
                continue
            assert str(local) in seeds, f"{name}: ag:localFile {str(local)!r} is not a file in {SEEDS}."
            assert fold(passage) in seeds[str(local)], (
                f"Passage not found verbatim in {local} (data file {name}): {str(passage)!r}. Copy it from the "
                f"source unchanged (only whitespace may be folded); keep the source's typos."
            )


# --------------------------------------------------------------------------------------------
# 3. Every fact has an assertion in its graph
# --------------------------------------------------------------------------------------------


def test_every_fact_has_an_assertion_in_the_same_graph(graphs):
    for name, graph in graphs:
        annotated = {
            (graph.value(a, RDF.subject), graph.value(a, RDF.predicate), graph.value(a, RDF.object))
            for a in assertions(graph)
        }
        docs = set(graph.subjects(RDF.type, AG.SourceDocument))
        notes = assertions(graph)
        for s, p, o in graph:
            if p in NOT_FACTS or s in notes or (s in docs and p in SOURCE_DOCUMENT_METADATA):
                continue
            assert (s, p, o) in annotated, (
                f"Fact without source in {name}: <{s}> <{p}> {o.n3()} has no ag:Assertion; add one with "
                f"rdf:subject/rdf:predicate/rdf:object naming the triple, the verbatim ag:passage and "
                f"prov:wasDerivedFrom <{graph.identifier}>."
            )
        for triple in annotated:
            assert triple in graph, (
                f"Dangling assertion in {name}: it names {triple}, which is not in the graph; fix rdf:object "
                f"(same IRI, or same literal with the same datatype or language) or add the triple."
            )


# --------------------------------------------------------------------------------------------
# 4. The Länder and the workshop's participants
# --------------------------------------------------------------------------------------------


def test_all_sixteen_laender_with_distinct_iso_codes(union):
    states = set(union.subjects(RDF.type, AG.State))
    codes = {s: [str(c) for c in union.objects(s, AG.isoCode)] for s in states}
    assert all(len(c) == 1 for c in codes.values()), f"Each Land needs exactly one ag:isoCode: {codes}"
    assert sorted(c[0] for c in codes.values()) == sorted(ISO_CODES), (
        f"Expected the 16 ISO 3166-2:DE codes once each, found {sorted(c[0] for c in codes.values())}."
    )
    for s in states:
        assert any(label.language == "de" for label in union.objects(s, RDFS.label)), (
            f"<{s}> needs an @de label.")


def test_workshop_participants_are_the_thirteen_named_laender(seeds, graphs, union):
    sentence = re.search(r"Teilgenommen hatten Vertreterinnen und Vertreter aus den Ländern (.+?)\.",
                         seeds[WORKSHOP_SEED])
    assert sentence, "The participants' sentence was not found in the workshop documentation."
    named = set(re.split(r", | und ", sentence.group(1)))
    assert len(named) == 13
    graph = dict((g.identifier, g) for _n, g in graphs)[WORKSHOP_DOC]
    participating = {
        str(union.value(x, RDFS.label))
        for x in graph.objects(WORKSHOP, AG.participant) if (x, RDF.type, AG.State) in union
    }
    assert participating == named, (
        f"ag:participant of the workshop to Länder must be exactly those the text names; missing "
        f"{sorted(named - participating)}, not named {sorted(participating - named)}."
    )


# --------------------------------------------------------------------------------------------
# 5. Modality
# --------------------------------------------------------------------------------------------


def test_modality_spot_checks(graphs, union):
    portal = entity_by_label(union, "Kommunalportal.NRW")
    assert (portal, AG.status, AG.Planned) in union, "Kommunalportal.NRW ('soll ... bis 2021') needs ag:status ag:Planned."
    demand = entity_by_label(union, "Förderprogramm für kleine Projekte vor Ort")
    assert (demand, AG.status, AG.Demanded) in union, (
        "The slides only ask for a 'Förderprogramm für kleine Projekte vor Ort?': it needs ag:status ag:Demanded."
    )
    assert (demand, AG.status, AG.Active) not in union and (demand, AG.status, AG.Planned) not in union


def test_digitale_doerfer_has_no_stated_funder(graphs):
    project = ID["digitale-doerfer"]
    for name, graph in graphs:
        for funder in graph.subjects(AG.funds, project):
            notes = [a for a in assertions(graph)
                     if (graph.value(a, RDF.subject), graph.value(a, RDF.predicate), graph.value(a, RDF.object))
                     == (funder, AG.funds, project)]
            assert notes and all(graph.value(a, AG.inferred) == Literal(True) for a in notes), (
                f"{name}: <{funder}> ag:funds Digitale Dörfer, but the text ('wird seit 2015 ... gefördert') names "
                f"no funder: mark the assertion ag:inferred true with reason and confidence, or remove the edge."
            )


def test_status_values(union):
    allowed = {AG.Planned, AG.Active, AG.Ended, AG.Demanded}
    for s, o in union.subject_objects(AG.status):
        assert o in allowed, f"<{s}> has ag:status {o}; use ag:Planned, ag:Active, ag:Ended or ag:Demanded."


# --------------------------------------------------------------------------------------------
# 6. Inferences say why and how sure
# --------------------------------------------------------------------------------------------


def test_inferred_assertions_have_reason_and_confidence(graphs):
    for name, graph in graphs:
        for a in assertions(graph):
            what = f"{name}: assertion <{graph.value(a, RDF.subject)}> <{graph.value(a, RDF.predicate)}>"
            if graph.value(a, AG.inferred) != Literal(True):
                assert graph.value(a, AG.confidence) is None, f"{what} has a confidence but is not ag:inferred true."
                continue
            reason = graph.value(a, AG.inferenceReason)
            assert reason is not None and str(reason).strip(), f"{what} is inferred: add ag:inferenceReason."
            confidence = graph.value(a, AG.confidence)
            assert confidence is not None and isinstance(confidence.toPython(), Decimal), (
                f"{what} is inferred: add ag:confidence as xsd:decimal, e.g. 0.6."
            )
            assert Decimal(0) <= confidence.toPython() <= Decimal(1), f"{what}: ag:confidence must lie in [0, 1]."


# --------------------------------------------------------------------------------------------
# Parsers and shapes
# --------------------------------------------------------------------------------------------


def test_files_parse_with_pyoxigraph():
    import pyoxigraph

    for name in DATA_FILES:
        quads = list(pyoxigraph.parse(path=str(DATA / name), format=pyoxigraph.RdfFormat.TRIG))
        assert quads, f"{name} parsed to nothing with pyoxigraph."


def test_data_conforms_to_the_shapes(union):
    import pyshacl

    shape_files = sorted((ONTOLOGY / "shapes").glob("*.ttl"))
    assert shape_files and (ONTOLOGY / "akteursgraph.ttl").is_file()
    shapes = rdflib.Graph()
    for f in shape_files:
        shapes.parse(f)
    ontology = rdflib.Graph().parse(ONTOLOGY / "akteursgraph.ttl")
    conforms, _report, text = pyshacl.validate(union, shacl_graph=shapes, ont_graph=ontology, advanced=True)
    assert conforms, "The seed data violates the SHACL shapes; fix the data:\n" + text
