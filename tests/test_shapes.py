"""The ontology and its SHACL shapes: every term documented, every example judged as expected.

Each file in ontology/examples/valid/ must conform; each file in ontology/examples/invalid/
must not, and every violation it causes must carry the message named in its first line
(`# expect: <substring>`), so that each invalid example breaks exactly one rule.
"""

from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import Dataset, Graph, Literal, Namespace
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "akteursgraph.ttl"
VALID = sorted((ONTOLOGY_DIR / "examples" / "valid").glob("*.trig"))
INVALID = sorted((ONTOLOGY_DIR / "examples" / "invalid").glob("*.trig"))
AG = Namespace("https://w3id.org/akteursgraph/ontology#")
# rdflib's own TriG parser uses its deprecated ConjunctiveGraph API; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

# The ag: terms of the public vocabulary (VOCABULARY.md) and of ontology/README.md.
VOCABULARY_CLASSES = """
    Actor Programme DigitalService FederalMinistry StateMinistry FederalBody State District
    Municipality Association DigitalAgency Network Company OrganisationalUnit Person Initiative
    FundingProgramme Competition Prize Project Portal Platform App Strategy Law Event
    Publication SourceDocument Assertion Status
""".split()
VOCABULARY_PROPERTIES = """
    funds runs commissions supports beneficiary targetGroup inState partOf ags spokeAt
    participant participantCount count status passage inferred inferenceReason confidence
    ambiguity isoCode topic fundedBy runBy
""".split()
STATUS_VALUES = "Planned Active Ended Demanded".split()
CONCEPT_SCHEMES = "TargetGroups Topics".split()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for path in sorted((ONTOLOGY_DIR / "shapes").glob("*.ttl")):
        graph.parse(path)
    return graph


def union_of(path: Path) -> Graph:
    """All triples of all graphs of a TriG file, as one graph (the store's union view)."""
    dataset = Dataset()
    dataset.parse(path, format="trig")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def run_shacl(path: Path, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, str]:
    return validate(union_of(path), shacl_graph=shapes, ont_graph=ontology,
                    inference="none", advanced=True)


def expected_message(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: first line must be '# expect: <message>'"
    return first.removeprefix("# expect: ").strip()


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_example_conforms(path, shapes, ontology):
    conforms, _, text = run_shacl(path, shapes, ontology)
    assert conforms, text


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_example_fails_with_its_message(path, shapes, ontology):
    expect = expected_message(path)
    conforms, report, text = run_shacl(path, shapes, ontology)
    assert not conforms, f"{path.name} should break the rule '{expect}' but conforms"
    assert expect in text
    messages = {str(m) for m in report.objects(None, SH.resultMessage)}
    stray = {m for m in messages if expect not in m}
    assert not stray, f"{path.name} breaks more than one rule: {stray}"


def test_examples_exist():
    assert len(VALID) >= 6 and len(INVALID) >= 20


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, *sorted(ONTOLOGY_DIR.glob("shapes/*.ttl")),
                                  *VALID, *INVALID], ids=lambda p: p.name)
def test_pyoxigraph_parses(path):
    assert list(pyoxigraph.parse(path=str(path)))


@pytest.mark.parametrize("name", VOCABULARY_CLASSES)
def test_vocabulary_class_declared(name, ontology):
    assert (AG[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", VOCABULARY_PROPERTIES)
def test_vocabulary_property_declared(name, ontology):
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    assert kinds & set(ontology.objects(AG[name], RDF.type))


@pytest.mark.parametrize("name", STATUS_VALUES + CONCEPT_SCHEMES)
def test_status_values_and_schemes_declared(name, ontology):
    expected = AG.Status if name in STATUS_VALUES else SKOS.ConceptScheme
    assert (AG[name], RDF.type, expected) in ontology


def test_every_ag_term_has_german_and_english_label_and_definition(ontology):
    missing = []
    for term in {s for s in ontology.subjects() if str(s).startswith(str(AG))}:
        labels = [*ontology.objects(term, RDFS.label), *ontology.objects(term, SKOS.prefLabel)]
        for what, values in (("label", labels), ("definition", ontology.objects(term, SKOS.definition))):
            langs = {v.language for v in values if isinstance(v, Literal)}
            missing += [f"{term} {what}@{lang}" for lang in ("de", "en") if lang not in langs]
    assert not missing, "add these labels/definitions: " + ", ".join(sorted(missing))


def test_organisation_classes_reach_org_organization(ontology):
    org_organization = Namespace("http://www.w3.org/ns/org#").Organization
    for name in ("FederalMinistry", "StateMinistry", "FederalBody", "State", "District",
                 "Municipality", "Association", "DigitalAgency", "Network", "Company",
                 "OrganisationalUnit"):
        assert org_organization in ontology.transitive_objects(AG[name], RDFS.subClassOf), name
        assert AG.Actor in ontology.transitive_objects(AG[name], RDFS.subClassOf), name
