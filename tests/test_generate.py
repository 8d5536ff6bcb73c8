"""``akteursgraph generate``: a deterministic, valid, realistic synthetic landscape."""
from __future__ import annotations

import hashlib
import shutil

import pytest

from graph.cli import main
from graph.generate import generate, parse_size
from graph.loading import build
from graph.settings import ROOT, Settings
from graph.store import DataError, open_store

SIZE = 30_000
# rdflib's serialisers use their own deprecated APIs; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")
FRAME = [ROOT / "data" / "laender-iso-3166-2.trig", ROOT / "data" / "districts.trig"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    data = tmp_path_factory.mktemp("generated")
    with open(data / "synthetic.nq", "wb") as out:
        writer = generate(SIZE, out)
    for path in FRAME:
        shutil.copy(path, data / path.name)
    return data, writer


@pytest.fixture(scope="module")
def store(generated):
    data, _ = generated
    store = open_store(Settings.from_env(store=":memory:", data=str(data)))
    build(store, data)  # raises ValidationFailed if a single statement breaks a shape
    yield store
    store.close()


def test_same_seed_same_bytes_other_seed_other_landscape(generated, tmp_path):
    data, _ = generated
    first = hashlib.sha256((data / "synthetic.nq").read_bytes()).hexdigest()
    with open(tmp_path / "again.nq", "wb") as out:
        generate(SIZE, out)
    with open(tmp_path / "other.nq", "wb") as out:
        generate(SIZE, out, seed=7)
    assert hashlib.sha256((tmp_path / "again.nq").read_bytes()).hexdigest() == first
    assert hashlib.sha256((tmp_path / "other.nq").read_bytes()).hexdigest() != first


def test_the_size_is_what_was_asked(generated):
    data, writer = generated
    lines = (data / "synthetic.nq").read_bytes().count(b"\n")
    assert lines == writer.statements
    assert SIZE <= writer.statements < SIZE * 1.01


def test_every_kind_of_the_landscape_is_there(generated):
    _, writer = generated
    for cls in ("Municipality", "FederalMinistry", "StateMinistry", "Association",
                "DigitalAgency", "Network", "FundingProgramme", "Competition", "Project",
                "Event", "Person"):
        assert writer.classes[cls] > 0, cls


def test_gemeinden_sit_inside_their_real_kreis(store):
    rows = store.query("""
        SELECT ?g ?ags ?kreisAgs ?land ?kreisLand WHERE {
          ?g a ag:Municipality ; ag:ags ?ags ; ag:partOf ?kreis ; ag:inState ?land .
          ?kreis a ag:District ; ag:ags ?kreisAgs ; ag:inState ?kreisLand .
        }""", row_cap=100_000).records()
    assert len(rows) > 100
    for row in rows:
        assert len(row["ags"]) == 8 and row["ags"].startswith(row["kreisAgs"]), row
        assert row["land"] == row["kreisLand"], row


def test_names_look_german(store):
    labels = [r["l"] for r in store.query(
        "SELECT ?l WHERE { ?g a ag:Municipality ; rdfs:label ?l }", row_cap=100_000).records()]
    assert any(ch in label for label in labels for ch in "äöüß")
    assert any(label.startswith("Bad ") for label in labels)
    assert any(" an der " in label or " am " in label for label in labels)
    assert any("-" in label for label in labels)


def test_funders_programmes_winners_and_contacts_are_linked(store):
    answer = store.query("""
        ASK {
          ?ministry a ag:StateMinistry ; ag:funds ?programme .
          ?programme a ag:FundingProgramme ; ag:beneficiary ?gemeinde ; ag:topic ?topic .
          ?competition a ag:Competition ; ag:beneficiary ?winner .
          ?person a ag:Person ; schema:jobTitle ?title ; schema:email ?mail ;
                  org:memberOf ?employer .
          ?assertion rdf:subject ?person ; rdf:predicate schema:email ; ag:passage ?passage ;
                     prov:wasDerivedFrom ?source . ?source a ag:SourceDocument .
        }""")
    assert answer.boolean


def test_the_command_writes_trig_and_refuses_odd_sizes(tmp_path, capsys):
    assert main(["generate", "--size", "10000", "--out", str(tmp_path / "g.trig")]) == 0
    count = int(capsys.readouterr().out.split(" statements")[0].replace(",", ""))
    assert 10_000 <= count < 12_000  # the fixed frame (ministries, Verbände) is ~9,000
    assert (tmp_path / "g.trig").read_text(encoding="utf-8").startswith("@prefix")
    assert main(["generate", "--size", "lots", "--out", str(tmp_path / "x.nq")]) == 2
    with pytest.raises(DataError):
        parse_size("500")
    assert parse_size("1m") == 1_000_000
