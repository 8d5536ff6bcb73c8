"""The `akteursgraph` command line, run as a real subprocess in a temporary directory.

One embedded store is built from tests/data/mini per module; the commands that only read it
share it, and the failed-build tests work on a copy of it.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from graph import queries
from graph.cli import EXPORT_FORMATS, build_parser, main
from graph.loading import ONTOLOGY_GRAPH
from graph.settings import ROOT, Settings
from graph.store import open_store, rdfio
from graph.validation import ONTOLOGY_FILE

MINI = Path(__file__).resolve().parent / "data" / "mini"
BAD = Path(__file__).resolve().parent / "data" / "bad"
INVALID_EXAMPLE = ROOT / "ontology" / "examples" / "invalid" / "funds-subject-is-programme.trig"
ID = "https://w3id.org/akteursgraph/id/"
LAND_QUERY = "SELECT ?land ?code WHERE { ?land ag:isoCode ?code }"
# rdflib's own TriG/N-Quads parsers use its deprecated ConjunctiveGraph API; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")


def clean_env() -> dict[str, str]:
    """The environment without AKTEURSGRAPH_* settings, so only the arguments count."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AKTEURSGRAPH_")}


def script() -> str:
    """The installed `akteursgraph` command of this interpreter (not a pyenv shim)."""
    path = Path(sys.executable).with_name("akteursgraph")
    if not path.exists():
        pytest.fail(f"{path} is missing: install the project with pip install -e '.[test]'")
    return str(path)


def cli(*args: str, cwd: Path, stdin: str | None = None, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run([script(), *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, env=env or clean_env())


def cli_all(calls: list[tuple], cwd: Path, stdins: list[str] | None = None
            ) -> list[subprocess.CompletedProcess]:
    """Runs several independent commands side by side (each is mostly interpreter start-up)."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(lambda args, stdin: cli(*args, cwd=cwd, stdin=stdin), calls,
                             stdins or [None] * len(calls)))


def succeeded(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def built(work) -> subprocess.CompletedProcess:
    """`akteursgraph build` of the mini data into work/store."""
    return cli("build", "--data", str(MINI), "--store", str(work / "store"), cwd=work)


@pytest.fixture(scope="module")
def store_dir(work, built) -> str:
    succeeded(built)
    return str(work / "store")


@pytest.fixture(scope="module")
def mini_quads() -> list:
    return [q for path in sorted(MINI.glob("*.trig")) for q in rdfio.read_quads(path)]


# -- build and validate -------------------------------------------------------------------------
def test_build_shows_progress_and_ends_with_a_summary(built, mini_quads):
    succeeded(built)
    assert "[1/2] read" in built.stderr and "[2/2] read" in built.stderr
    assert "validating" in built.stderr and "writing the store" in built.stderr
    lines = built.stdout.splitlines()
    assert lines[0].startswith(f"{len(mini_quads)} statements from 2 file(s)")
    per_class = lines[lines.index("Entities per class:") + 1:
                      lines.index("Statements per source document:")]
    assert {tuple(line.split()) for line in per_class} >= {
        ("2", "SourceDocument"), ("1", "FundingProgramme"), ("1", "Municipality")}
    per_source = {line.split()[1]: int(line.split()[0]) for line in
                  lines[lines.index("Statements per source document:") + 1:]}
    expected = {}
    for quad in mini_quads:
        expected[quad.graph_name.value] = expected.get(quad.graph_name.value, 0) + 1
    assert per_source == expected


def test_validate_passes_good_data_and_names_each_violation_of_bad(work, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(INVALID_EXAMPLE, data / INVALID_EXAMPLE.name)
    expected_message = INVALID_EXAMPLE.read_text().splitlines()[0].removeprefix("# expect: ")
    good, bad = cli_all([("validate", "--data", str(MINI)), ("validate", "--data", "data")],
                        tmp_path)
    assert "0 violation(s)" in succeeded(good).stdout

    assert bad.returncode == 1, bad.stderr
    violations = [line for line in bad.stderr.splitlines() if line.startswith("Violation:")]
    assert violations, bad.stderr
    for line in violations:  # file, entity, property and the rule's message
        assert f"data/{INVALID_EXAMPLE.name}: id:beispiel-foerderprogramm ag:funds: " in line
        assert expected_message in line
    assert f"{len(violations)} violation(s)" in bad.stdout


# -- query --------------------------------------------------------------------------------------
def test_select_ask_construct_describe_in_their_formats(work, store_dir):
    """Each form once, in the formats the brief names, from a file, from '-' and from standard
    input without a file argument; Answer.serialize's every format is checked in-process in
    test_store.py."""
    files = {"land.rq": LAND_QUERY,
             "construct.rq": "CONSTRUCT { ?p ag:fundedBy ?f } WHERE { ?f ag:funds ?p }",
             "describe.rq": "DESCRIBE id:beispielland"}
    for name, text in files.items():
        (work / name).write_text(text, encoding="utf-8")
    ask = "ASK { id:beispiel-ministerium ag:funds id:beispiel-foerderprogramm }"
    calls = {"json": ("land.rq", "--format", "json"), "csv": ("land.rq", "--format", "csv"),
             "xml": ("land.rq", "--format", "xml"), "table": ("-",),
             "ask json": ("-", "--format", "json"), "ask table": (),
             "turtle": ("construct.rq", "--format", "turtle"),
             "nt": ("describe.rq", "--format", "nt")}
    stdins = {"table": LAND_QUERY, "ask json": ask, "ask table": ask.replace("funds", "runs")}
    results = dict(zip(calls, cli_all([("query", *args, "--store", store_dir)
                                       for args in calls.values()], work,
                                      stdins=[stdins.get(name) for name in calls])))
    land = ID + "beispielland"

    document = json.loads(succeeded(results["json"]).stdout)
    assert document["head"]["vars"] == ["land", "code"]
    assert document["results"]["bindings"] == [
        {"land": {"type": "uri", "value": land}, "code": {"type": "literal", "value": "DE-XX"}}]
    assert list(csv.DictReader(io.StringIO(succeeded(results["csv"]).stdout))) == [
        {"land": land, "code": "DE-XX"}]
    solutions = ox.parse_query_results(succeeded(results["xml"]).stdout.encode(),
                                       format=ox.QueryResultsFormat.XML)
    assert [(s["land"], s["code"]) for s in solutions] == [
        (ox.NamedNode(land), ox.Literal("DE-XX"))]
    table = succeeded(results["table"]).stdout.splitlines()
    assert table[0].split() == ["land", "code"]
    assert table[2].split() == ["id:beispielland", "DE-XX"] and table[-1] == "(1 row)"

    assert json.loads(succeeded(results["ask json"]).stdout) == {"head": {}, "boolean": True}
    assert succeeded(results["ask table"]).stdout.strip() == "no"

    built = rdflib.Graph().parse(data=succeeded(results["turtle"]).stdout, format="turtle")
    assert set(built) == {(rdflib.URIRef(ID + "beispiel-foerderprogramm"),
                           rdflib.URIRef("https://w3id.org/akteursgraph/ontology#fundedBy"),
                           rdflib.URIRef(ID + "beispiel-ministerium"))}
    described = rdflib.Graph().parse(data=succeeded(results["nt"]).stdout, format="nt")
    assert set(described.subjects()) == {rdflib.URIRef(land)}


def test_format_that_does_not_fit_the_answer_is_one_clear_line(work, store_dir, capsys,
                                                                monkeypatch):
    # In this process (main() is the whole command): the error path needs no new interpreter.
    (work / "all.rq").write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", encoding="utf-8")
    monkeypatch.chdir(work)
    assert main(["query", "all.rq", "--format", "csv", "--store", store_dir]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--format csv does not fit a graph answer" in err


def test_list_shows_every_named_query(work, store_dir):
    result = succeeded(cli("query", "--list", "--store", store_dir, cwd=work))
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == list(queries.catalogue())


@pytest.mark.parametrize("args, message", [
    (("--named", "no-such-query"), "there is no named query 'no-such-query'"),
    (("--param", "land=bayern"), "--param goes with --named"),
    (("--named", "no-such-query", "--param", "land"), "write it as key=value"),
])
def test_named_query_mistakes_are_one_line(store_dir, capsys, args, message):
    # In this process: main() is the whole command; no query reaches the store.
    assert main(["query", *args, "--store", store_dir]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


# -- export -------------------------------------------------------------------------------------
def test_every_export_format_parses_back(work, store_dir, mini_quads):
    formats = EXPORT_FORMATS
    results = dict(zip(formats, cli_all(
        [("export", "--format", fmt, "--store", store_dir) for fmt in formats], work)))
    ontology = rdfio.read_quads(ONTOLOGY_FILE, into_graph=ONTOLOGY_GRAPH)
    stored = len(set(ontology + mini_quads))  # each named graph is a set
    graphs = {q.graph_name.value for q in mini_quads} | {ONTOLOGY_GRAPH}
    merged = {(q.subject, q.predicate, q.object) for q in ontology + mini_quads}

    for fmt, rdflib_format in [("trig", "trig"), ("nq", "nquads")]:
        dataset = rdflib.Dataset()
        dataset.parse(data=succeeded(results[fmt]).stdout, format=rdflib_format)
        named = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert named == graphs, fmt
        assert sum(1 for _ in dataset.quads()) == stored, fmt
    for fmt, rdflib_format in [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]:
        graph = rdflib.Graph().parse(data=succeeded(results[fmt]).stdout, format=rdflib_format)
        assert len(graph) == len(merged), fmt

    network = nx.read_graphml(io.BytesIO(succeeded(results["graphml"]).stdout.encode()))
    ministry, programme = ID + "beispiel-ministerium", ID + "beispiel-foerderprogramm"
    assert network.nodes[ministry]["kind"] == "FederalMinistry"
    assert network.nodes[ministry]["label"] == "Bundesministerium für Beispiele"
    assert "ag:funds" in {data["relation"] for _, target, data in
                          network.out_edges(ministry, data=True) if target == programme}

    rows = list(csv.DictReader(io.StringIO(succeeded(results["csv"]).stdout)))
    assert set(rows[0]) == {"subject", "predicate", "object", "graph"}
    assert len(rows) == stored
    assert {row["graph"] for row in rows} == graphs


# -- help ---------------------------------------------------------------------------------------
def listed_commands(overview: str) -> list[str]:
    return re.findall(r"^    (\S+) ", overview, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def overview(work) -> str:
    return succeeded(cli("--help", cwd=work)).stdout


def test_every_command_documents_itself(work, overview, capsys):
    names = listed_commands(overview)
    assert {"build", "validate", "query", "export", "serve"} <= set(names)
    assert "AKTEURSGRAPH_QUERY_TIMEOUT" in overview
    build_parser()  # loads the commands that other packages register, as the script did
    for name in names:
        # Each command's own help, in this process: the same parser, without paying for an
        # interpreter start (about 1 s on this machine) per command.
        with pytest.raises(SystemExit) as finished:
            main([name, "--help"])
        assert finished.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: akteursgraph {name}"), name
    build_help = succeeded(cli("build", "--help", cwd=work)).stdout
    assert "--data DIR" in build_help and "--store DIR|URL" in build_help


def test_python_dash_m_knows_the_same_commands(work, overview):
    by_script = listed_commands(overview)
    by_module = subprocess.run([sys.executable, "-m", "graph.cli", "--help"], cwd=work,
                               capture_output=True, text=True, env=clean_env(), timeout=120)
    assert listed_commands(by_module.stdout) == by_script


# -- a failed build changes nothing -------------------------------------------------------------
@pytest.fixture
def own_store(store_dir, tmp_path) -> Path:
    """A private copy of the built store, for tests that try to overwrite it."""
    target = tmp_path / "store"
    shutil.copytree(store_dir, target, symlinks=True)
    return target


def land_codes(store: Path, cwd: Path) -> list[dict]:
    result = succeeded(cli("query", "-", "--format", "json", "--store", str(store), cwd=cwd,
                           stdin=LAND_QUERY))
    return json.loads(result.stdout)["results"]["bindings"]


@pytest.mark.parametrize("bad, status", [
    (BAD / "broken.trig", 2),      # a syntax error: stops while reading
    (INVALID_EXAMPLE, 1),          # a SHACL violation: stops after validating
])
def test_failed_build_leaves_the_previous_graph_answering(own_store, tmp_path, bad, status):
    current = os.readlink(own_store / "current")
    generations = sorted(p.name for p in (own_store / "generations").iterdir())
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(bad, data / bad.name)
    result = cli("build", "--data", "data", "--store", str(own_store), cwd=tmp_path)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    if status == 1:
        assert "the new graph was discarded, the previous graph is unchanged" in result.stderr
    assert os.readlink(own_store / "current") == current
    # the new generation, written while the shapes ran beside it, is gone again
    assert sorted(p.name for p in (own_store / "generations").iterdir()) == generations
    if status == 2:  # once through the command line too
        assert land_codes(own_store, tmp_path) == [{
            "land": {"type": "uri", "value": ID + "beispielland"},
            "code": {"type": "literal", "value": "DE-XX"}}]
    with open_store(Settings.from_env(store=str(own_store))) as store:
        answer = store.query("SELECT ?code WHERE { id:beispielland ag:isoCode ?code }")
        assert answer.records() == [{"code": "DE-XX"}]
