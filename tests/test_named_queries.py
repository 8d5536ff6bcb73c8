"""The named queries answer the questions users bring, checked against the curated facts.

Facts come from data/*.trig and the passages quoted there (shared/seeds): who funds whom,
what each Land offers, whom to contact, what is only planned or demanded, what is inferred.
Entities are picked by their slugs; counts that follow the data are computed, not copied.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from rdflib.query import Result

from graph import queries
from graph.loading import ONTOLOGY_FILE, ONTOLOGY_GRAPH, read_sources
from graph.settings import ROOT, Settings
from graph.store import open_store, rdfio

ID = "https://w3id.org/akteursgraph/id/"
AG = "https://w3id.org/akteursgraph/ontology#"
WORKSHOP = ID + "quelle-bundeslaenderworkshop-2020"
SLIDES = ID + "quelle-staedtetag-folien"
# Columns that are GROUP_CONCATs: their order is the engine's, so tests compare the parts.
CONCATENATED = {"funktion": " · ", "email": ", ", "telefon": ", ", "anschrift": " | ",
                "steht_hinter": " · ", "sprach_bei": " · ", "laender": ", "}


def run(store, name, **params):
    return queries.run(store, name, params).records()


def normalised(rows):
    """Rows as a sorted list of hashable tuples, concatenated cells as sorted parts."""
    def cell(key, value):
        return tuple(sorted(value.split(CONCATENATED[key]))) if key in CONCATENATED else value
    return sorted(tuple(sorted((k, cell(k, v)) for k, v in row.items())) for row in rows)


def only(rows, **match):
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"expected one row with {match}, found {len(found)}: {found}"
    return found[0]


# --- Wer fördert wen? ----------------------------------------------------------------------

def test_federal_programme_chain_to_barleben(seed_store):
    row = only(run(seed_store, "foerderketten"), programm=ID + "modellprojekte-smart-cities")
    assert (row["geldgeber"], row["beguenstigter"], row["land"]) == (
        ID + "bmi", ID + "gemeinde-barleben", ID + "sachsen-anhalt")
    assert row["land_label"] == "Sachsen-Anhalt" and row["geldgeber_label"] == "BMI"
    # 'Förderprogramm … des BMI': the funding is read, the selection written ('ausgewählt').
    assert row["foerderung_erschlossen"] == "true"
    assert row["beguenstigung_erschlossen"] == "false"
    assert "Gemeinde Barleben" in row["beguenstigung_textstelle"]
    assert "ausgewählt" in row["beguenstigung_textstelle"]
    assert row["foerderung_quelle"] == row["beguenstigung_quelle"] == WORKSHOP
    assert row["foerderung_quelle_titel"].startswith("6. Bundesländerworkshop")


def test_land_funds_digitalhubs_in_writing(seed_store):
    row = only(run(seed_store, "foerderketten"), geldgeber=ID + "niedersachsen")
    assert row["programm"] == ID + "digitalhubs-niedersachsen"
    assert "beguenstigter" not in row
    assert row["foerderung_erschlossen"] == "false"
    assert row["foerderung_textstelle"].startswith("Niedersachsen fördert den Aufbau von DigitalHubs")


def test_digitale_doerfer_has_no_written_funder(seed_store):
    rows = [r for r in run(seed_store, "foerderketten") if r["programm"] == ID + "digitale-doerfer"]
    assert rows, "Digitale Dörfer must appear as a funded project"
    for row in rows:
        # 'wird seit 2015 das Projekt „Digitale Dörfer“ gefördert': passive, no funder named.
        assert "gefördert" in row["foerderung_textstelle"]
        assert row["foerderung_erschlossen"] == "true", row


def test_beneficiaries_of_a_programme_without_known_funder(seed_store):
    row = only(run(seed_store, "foerderketten"), programm=ID + "digitale-zukunftskommune-bw")
    assert "geldgeber" not in row and "foerderung_erschlossen" not in row
    assert row["beguenstigter"] == ID + "modellkommunen-digitale-zukunftskommune-bw"
    assert row["land"] == ID + "baden-wuerttemberg"


def test_every_link_of_a_chain_has_its_passage_and_source(seed_store):
    for row in run(seed_store, "foerderketten"):
        for link, end in (("foerderung", "geldgeber"), ("beguenstigung", "beguenstigter")):
            if end in row:
                assert {f"{link}_textstelle", f"{link}_quelle", f"{link}_quelle_titel",
                        f"{link}_erschlossen"} <= row.keys(), row


def test_chains_of_a_land(seed_store):
    rows = run(seed_store, "foerderketten", land="sachsen-anhalt")
    assert [r["programm"] for r in rows] == [ID + "modellprojekte-smart-cities"]
    assert run(seed_store, "foerderketten", land="bremen") == []


# --- Angebote eines Landes and the matrix ---------------------------------------------------

def test_offers_of_rheinland_pfalz(seed_store):
    rows = run(seed_store, "angebote-eines-landes", land="rheinland-pfalz")
    project = only(rows, angebot=ID + "digitale-doerfer")
    assert (project["art"], project["art_label"], project["beginn"]) == (AG + "Project", "Projekt", "2015")
    network = only(rows, angebot=ID + "interkommunales-netzwerk-digitale-stadt")
    assert network["art_label"] == "Netzwerk"
    assert network["angebot_label"] == "Interkommunales Netzwerk „Digitale Stadt“"
    assert {ID + "dorffunk", ID + "dorfnews"} <= {r["angebot"] for r in rows}
    assert all(r["land"] == ID + "rheinland-pfalz" for r in rows)
    kinds = [r["art_label"] for r in rows]
    assert not {"Landkreis", "Gemeinde"} & set(kinds), "territory is not an offer"
    assert kinds == sorted(kinds), "offers are grouped by kind"


def test_six_digitalisierungszentren_in_sachsen_anhalt(seed_store):
    rows = run(seed_store, "angebote-eines-landes", land="sachsen-anhalt")
    centres = only(rows, angebot=ID + "regionale-digitalisierungszentren-sachsen-anhalt")
    assert (centres["art_label"], centres["anzahl"], centres["beginn"]) == ("Digitalagentur", "6", "2019")
    # The source says so: '… seit 2019 bereits sechs regionale Digitalisierungszentren …'
    sources = run(seed_store, "quellen-einer-entitaet",
                  entitaet="regionale-digitalisierungszentren-sachsen-anhalt")
    count = only(sources, eigenschaft=AG + "count")
    assert "seit 2019 bereits sechs regionale Digitalisierungszentren" in count["textstelle"]


def test_planned_offer_carries_its_status(seed_store):
    rows = run(seed_store, "angebote-eines-landes", land="nordrhein-westfalen")
    portal = only(rows, angebot=ID + "kommunalportal-nrw")
    assert (portal["status"], portal["status_label"]) == (AG + "Planned", "geplant")


def test_matrix_has_every_land_once(seed_store):
    rows = run(seed_store, "laendermatrix")
    states = seed_store.query("SELECT ?land WHERE { ?land a ag:State }").records()
    assert len(rows) == 16
    assert Counter(r["land"] for r in rows) == Counter(s["land"] for s in states)
    assert {r["iso_code"] for r in rows} == {
        "DE-BW", "DE-BY", "DE-BE", "DE-BB", "DE-HB", "DE-HH", "DE-HE", "DE-MV",
        "DE-NI", "DE-NW", "DE-RP", "DE-SL", "DE-SN", "DE-ST", "DE-SH", "DE-TH"}


@pytest.mark.parametrize("land, cells", [
    ("sachsen-anhalt", {"digitalagenturen": "6", "preise": "1", "strategien": "1"}),
    ("mecklenburg-vorpommern", {"digitalagenturen": "6"}),
    ("niedersachsen", {"digitalagenturen": "1", "geplant_gefordert": "1"}),
    ("sachsen", {"portale_plattformen": "2", "strategien": "1", "geplant_gefordert": "1"}),
    ("nordrhein-westfalen", {"foerderprogramme": "1", "netzwerke": "1",
                             "portale_plattformen": "1", "geplant_gefordert": "1"}),
    ("berlin", {}),
])
def test_matrix_cells(seed_store, land, cells):
    row = only(run(seed_store, "laendermatrix"), land=ID + land)
    columns = ("foerderprogramme", "wettbewerbe", "preise", "digitalagenturen", "netzwerke",
               "portale_plattformen", "strategien", "geplant_gefordert")
    assert {c: row[c] for c in columns} == {c: cells.get(c, "0") for c in columns}


def test_matrix_agrees_with_the_offers_of_each_land(seed_store):
    kinds = {"FundingProgramme", "Competition", "Prize", "DigitalAgency", "Network", "Portal",
             "Platform", "Strategy"}
    for row in run(seed_store, "laendermatrix"):
        offers = run(seed_store, "angebote-eines-landes", land=row["land"])
        counted = [o for o in offers if o["art"][len(AG):] in kinds]
        planned = sum(int(o.get("anzahl", 1)) for o in counted if "status" in o
                      and o["status"] in (AG + "Planned", AG + "Demanded"))
        existing = sum(int(o.get("anzahl", 1)) for o in counted) - planned
        matrix = sum(int(v) for k, v in row.items() if k not in (
            "land", "land_label", "iso_code", "geplant_gefordert"))
        assert (matrix, int(row["geplant_gefordert"])) == (existing, planned), row["land_label"]


# --- People and contacts --------------------------------------------------------------------

def test_imprint_email_is_on_the_geschaeftsstelle(seed_store):
    rows = run(seed_store, "ansprechpartner")
    office = [r for r in rows if r["kontakt"] == ID + "geschaeftsstelle-stadt-land-digital"]
    assert office and all(r["email"] == "info@stadt-land-digital.de" for r in office)
    assert all(r["webadresse"] == "https://www.stadt-land-digital.de" for r in office)
    assert {r["kontakt"] for r in rows if "info@stadt-land-digital.de" in r.get("email", "")} == {
        ID + "geschaeftsstelle-stadt-land-digital"}


def test_alex_dieke_heads_the_geschaeftsstelle(seed_store):
    row = only(run(seed_store, "ansprechpartner"), kontakt=ID + "alex-dieke")
    assert "Leiter der Geschäftsstelle" in row["funktion"].split(" · ")
    assert (row["beziehung"], row["beziehung_label"]) == ("http://www.w3.org/ns/org#headOf", "leitet")
    assert row["organisation"] == ID + "geschaeftsstelle-stadt-land-digital"
    assert "Stadt.Land.Digital" in row["steht_hinter"].split(" · ")


def test_contacts_for_the_ozg(seed_store):
    rows = run(seed_store, "ansprechpartner", thema=AG + "OZG-Umsetzung")
    assert {r["thema_label"] for r in rows} == {"OZG-Umsetzung"}
    assert {ID + "hannes-kuehn", ID + "ozg-teams-auf-landesebene",
            ID + "staedtetag-nicht-naeher-bezeichnet"} <= {r["kontakt"] for r in rows}


def test_contacts_in_mecklenburg_vorpommern(seed_store):
    rows = run(seed_store, "ansprechpartner", land="mecklenburg-vorpommern")
    assert {r["kontakt"] for r in rows} == {
        ID + "zweckverband-ego-mv", ID + "digitalisierungszentren-mecklenburg-vorpommern"}


def test_people_with_roles_organisations_and_talks(seed_store):
    rows = run(seed_store, "personen")
    people = seed_store.query("SELECT DISTINCT ?person WHERE { ?person a ag:Person }").records()
    assert {r["person"] for r in rows} == {p["person"] for p in people}
    schnorr = [r for r in rows if r["person"] == ID + "stefan-schnorr"]
    assert {(r["beziehung_label"], r["organisation"]) for r in schnorr} == {
        ("leitet", ID + "abteilung-digital-und-innovationspolitik"),
        ("Mitglied von", ID + "bundesministerium-fuer-wirtschaft-und-energie")}
    assert all("Ministerialdirigent" in r["funktion"].split(" · ") for r in schnorr)
    assert all(r["sprach_bei"] == "6. Bundesländerworkshop der Initiative Stadt.Land.Digital"
               for r in schnorr)


# --- Planned, demanded, inferred, sourced ---------------------------------------------------

def test_planned_and_demanded(seed_store):
    rows = run(seed_store, "geplant")
    assert {r["status"] for r in rows} == {AG + "Planned", AG + "Demanded"}
    assert all(r["textstelle"] and r["quelle_titel"] for r in rows)
    portal = only(rows, eintrag=ID + "kommunalportal-nrw")
    assert portal["status_label"] == "geplant" and "soll" in portal["textstelle"]
    workshop = only(rows, eintrag=ID + "naechster-bundeslaender-workshop")
    assert workshop["beginn"] == "2021-04-27" and "voraussichtlich" in workshop["textstelle"]
    demanded = {r["eintrag"] for r in rows if r["status"] == AG + "Demanded"}
    assert {r["quelle"] for r in rows if r["eintrag"] in demanded} == {SLIDES}
    assert {ID + "foerderprogramm-fuer-kleine-projekte-vor-ort", ID + "e-payment-land",
            ID + "neudefinition-der-schultraegerschaft"} <= demanded
    # 'Neuer Studiengang' is read as active, not as planned.
    assert ID + "studiengang-digitales-verwaltungsmanagement" not in {r["eintrag"] for r in rows}


def test_inferred_statements_only_and_each_with_reason_and_confidence(seed_store):
    rows = run(seed_store, "abgeleitete-aussagen")
    inferred = seed_store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?aussage ag:inferred true }").records()[0]["n"]
    assert len(rows) == int(inferred) > 0
    for row in rows:
        assert row["begruendung"] and row["textstelle"] and row["quelle"], row
        assert 0 < float(row["konfidenz"]) <= 1, row
    facts = {(r["subjekt"], r["eigenschaft"], r["objekt"]) for r in rows}
    assert (ID + "rheinland-pfalz", AG + "funds", ID + "digitale-doerfer") in facts
    # Written: 'Baden-Württemberg fördert die Digitalisierung mit dem Förderwettbewerb …'
    assert (ID + "baden-wuerttemberg", AG + "funds", ID + "future-communities") not in facts
    confidences = [float(r["konfidenz"]) for r in rows]
    assert confidences == sorted(confidences), "least certain first"


def test_sources_of_an_entity(seed_store):
    rows = run(seed_store, "quellen-einer-entitaet", entitaet="digitale-doerfer")
    for row in rows:
        assert row["textstelle"] and row["quelle"] and row["quelle_titel"] and row["quelle_datum"]
        assert row["entitaet"] == ID + "digitale-doerfer"
    funds = only(rows, eigenschaft=AG + "funds")
    assert (funds["richtung"], funds["anderes_ende"], funds["erschlossen"]) == (
        "eingehend", ID + "rheinland-pfalz", "true")
    assert funds["begruendung"] and funds["konfidenz"] == "0.6"
    in_state = only(rows, eigenschaft=AG + "inState")
    assert (in_state["richtung"], in_state["erschlossen"]) == ("ausgehend", "false")
    assert "begruendung" not in in_state
    assert {ID + "dorffunk", ID + "dorfnews"} <= {
        r["anderes_ende"] for r in rows if r["richtung"] == "eingehend"}


def test_sources_keep_hostile_text_verbatim(seed_store):
    rows = run(seed_store, "quellen-einer-entitaet", entitaet="xss-verein")
    assert only(rows, eigenschaft=AG + "supports")["textstelle"] == (
        "<script>alert('passage')</script> unterstützt")


def test_thirteen_laender_at_the_workshop(seed_store):
    rows = run(seed_store, "teilnehmende-laender")
    at_workshop = [r for r in rows if r["veranstaltung"] == ID + "6-bundeslaenderworkshop"]
    assert len({r["land"] for r in at_workshop}) == 13  # '… aus 13 Bundesländern …'
    for row in at_workshop:
        assert row["land_label"] in row["textstelle"] and row["teilnehmende"] == "46"
    assert not {"Berlin", "Bremen", "Hamburg"} & {r["land_label"] for r in at_workshop}


def test_what_belongs_to_what(seed_store):
    rows = run(seed_store, "organisationsstruktur")
    app = only(rows, teil=ID + "dorffunk")
    assert (app["ganzes"], app["beziehung_label"], app["erschlossen"]) == (
        ID + "digitale-doerfer", "Teil von", "false")
    unit = only(rows, teil=ID + "abteilung-digital-und-innovationspolitik")
    assert unit["ganzes"] == ID + "bundesministerium-fuer-wirtschaft-und-energie"
    office = only(rows, teil=ID + "geschaeftsstelle-stadt-land-digital")
    assert office["erschlossen"] == "true"


def test_timeline_in_date_order(seed_store):
    rows = run(seed_store, "programme-zeitleiste")
    assert [r["beginn"] for r in rows] == sorted(r["beginn"] for r in rows)
    assert only(rows, eintrag=ID + "digitale-doerfer")["erschlossen"] == "true"
    assert only(rows, eintrag=ID + "6-bundeslaenderworkshop")["beginn"] == "2020-11-03"


# --- Optional parameters: bound means "the unbound rows with that value" -------------------

OPTIONAL_PARAMS = [(name, p.name) for name, q in sorted(queries.catalogue().items())
                   for p in q.params if p.optional]


@pytest.mark.parametrize("name, param", OPTIONAL_PARAMS)
def test_bound_parameter_selects_exactly_the_matching_rows(seed_store, name, param):
    unbound = run(seed_store, name)
    assert all(param in row for row in unbound), f"{name}: every row must carry ?{param}"
    values = {r[param] for r in unbound if r[param]} | {ID + "bremen"}
    for value in values:
        expected = [r for r in unbound if r[param] == value]
        assert normalised(run(seed_store, name, **{param: value})) == normalised(expected), value


def test_both_contact_parameters_together(seed_store):
    unbound = run(seed_store, "ansprechpartner")
    for land, thema in {(r["land"], r["thema"]) for r in unbound if r["land"] and r["thema"]}:
        expected = [r for r in unbound if (r["land"], r["thema"]) == (land, thema)]
        bound = run(seed_store, "ansprechpartner", land=land, thema=thema)
        assert normalised(bound) == normalised(expected)


LANDLESS = """
@prefix ag: <https://w3id.org/akteursgraph/ontology#> .
@prefix id: <https://w3id.org/akteursgraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
id:testquelle {
  id:land-a a ag:State ; rdfs:label "Land A"@de .
  id:land-b a ag:State ; rdfs:label "Land B"@de .
  id:gemeinde-a a ag:Municipality ; ag:inState id:land-a .
  id:gemeinde-b a ag:Municipality ; ag:inState id:land-b .
  id:projekt-in-b a ag:Project ; ag:inState id:land-b .
  id:bund ag:funds id:bundesprogramm , id:laenderprogramm .
  id:laenderprogramm ag:beneficiary id:gemeinde-a , id:gemeinde-b .
  id:land-a ag:funds id:projekt-in-b .
}
"""
CHAINS_BY_LAND = {
    "": {("bund", "bundesprogramm", None)},
    "land-a": {("bund", "laenderprogramm", "gemeinde-a"), ("land-a", "projekt-in-b", None)},
    "land-b": {("bund", "laenderprogramm", "gemeinde-b"), ("land-a", "projekt-in-b", None)},
}


def _chains(rows):
    return {tuple(r[k][len(ID):] if k in r else None
                  for k in ("geldgeber", "programm", "beguenstigter")) for r in rows}


@pytest.fixture(scope="module")
def landless_quads(tmp_path_factory):
    """A chain in no Land, a programme with beneficiaries in two Länder, a Land funding
    something in another: the cases the seed data does not have (yet)."""
    folder = tmp_path_factory.mktemp("landless")
    (folder / "test.trig").write_text(LANDLESS, encoding="utf-8")
    return read_sources(folder).quads


@pytest.mark.parametrize("where", ["embedded", "remote"])
def test_chain_in_no_land_is_never_matched_by_a_land(where, landless_quads, request):
    location = (":memory:" if where == "embedded"
                else request.getfixturevalue("oxigraph_server") + "/query")
    with open_store(Settings.from_env(store=location)) as store:
        store.replace(landless_quads)
        unbound = run(store, "foerderketten")
        for land, chains in CHAINS_BY_LAND.items():
            assert _chains(r for r in unbound if r["land"] == (ID + land if land else "")) == chains
            if land:
                assert _chains(run(store, "foerderketten", land=land)) == chains


# --- The remote binding path and the command line -------------------------------------------

def test_remote_store_answers_as_the_embedded_one(oxigraph_server, seed_store, seed_settings):
    ontology = rdfio.read_quads(ONTOLOGY_FILE, display="ontology", into_graph=ONTOLOGY_GRAPH)
    with open_store(Settings.from_env(store=f"{oxigraph_server}/query")) as remote:
        remote.replace(ontology + read_sources(Path(seed_settings.data)).quads)
        for name, params in [("foerderketten", {"land": "sachsen-anhalt"}),
                             ("angebote-eines-landes", {"land": "rheinland-pfalz"}),
                             ("ansprechpartner", {"thema": AG + "OZG-Umsetzung"}),
                             ("quellen-einer-entitaet", {"entitaet": "digitale-doerfer"}),
                             ("laendermatrix", {})]:
            embedded = run(seed_store, name, **params)
            assert embedded, f"{name} {params} should find something in the seed data"
            assert normalised(run(remote, name, **params)) == normalised(embedded), name


CLI_PARAMS = {
    "angebote-eines-landes": {"land": "rheinland-pfalz"},
    "quellen-einer-entitaet": {"entitaet": "digitale-doerfer"},
    "foerderketten": {"land": "sachsen-anhalt"},
    "ansprechpartner": {"thema": AG + "OZG-Umsetzung"},
    "programme-zeitleiste": {"land": "rheinland-pfalz"},
    "teilnehmende-laender": {"land": "hessen"},
}


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    """A store built from data/ by the command line, once for this module."""
    if shutil.which("akteursgraph") is None:
        pytest.fail("the 'akteursgraph' command is missing: pip install -e .")
    target = tmp_path_factory.mktemp("cli") / "store"
    done = subprocess.run(["akteursgraph", "build", "--data", str(ROOT / "data"),
                           "--store", str(target)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return target


@pytest.mark.parametrize("name", sorted(queries.catalogue()))
def test_cli_answers_in_sparql_json(cli_store, name):
    params = [arg for key, value in CLI_PARAMS.get(name, {}).items()
              for arg in ("--param", f"{key}={value}")]
    done = subprocess.run(["akteursgraph", "query", "--named", name, *params, "--format", "json",
                           "--store", str(cli_store)], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    answer = json.loads(done.stdout)
    variables = answer["head"]["vars"]
    assert variables == [str(v) for v in Result.parse(io.BytesIO(done.stdout), format="json").vars]
    assert answer["results"]["bindings"], f"{name} found nothing in data/"
    for binding in answer["results"]["bindings"]:
        assert set(binding) <= set(variables)
        for term in binding.values():
            assert term["type"] in ("uri", "literal", "bnode") and isinstance(term["value"], str)
            assert set(term) <= {"type", "value", "xml:lang", "datatype"}
    assert {p.name for p in queries.get(name).params} <= set(variables)
