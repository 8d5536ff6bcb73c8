"""``akteursgraph bench`` on the smallest size: every figure the scale issue asks for is in the
JSON (the full benchmark runs on demand, not here)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graph import queries
from graph.bench_engines import BaselineProcess
from graph.bench_http import MISSING
from graph.settings import ROOT
from graph.store import iri

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")
VIEWER_FIGURES = ["search_suggestions", "entity_page", "neighbourhood_depth_1",
                  "neighbourhood_depth_2", "connection_finder", "funding_flow_first_page",
                  "laender_matrix"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "bench", "--size", "10000", "--runs", "1",
         "--samples", "2", "--requests", "2", "--clients", "4", "--no-rdflib",
         "--work", str(work), "--json", str(work / "bench.json")],
        capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((work / "bench.json").read_text()), result.stdout, work


def test_machine_versions_and_command(run):
    report, _, _ = run
    assert report["machine"]["cores"] >= 1 and report["machine"]["memory_gib"] > 0
    assert report["versions"]["pyoxigraph"] and report["versions"]["rdflib"]
    assert report["command"].startswith("akteursgraph bench --size 10000")


def test_build_split_and_floor(run):
    build = run[0]["build"]
    assert set(build["seconds"]) >= {"parse", "validate", "write"}
    assert all(value > 0 for value in build["seconds"].values())
    assert build["statements"] >= 10_000 and build["statements_per_s"] > 0
    assert build["peak_rss_mib"] > 0 and build["floor_bare_bulk_load_s"] > 0
    assert build["ratio_to_floor"] == pytest.approx(
        build["total_s"] / build["floor_bare_bulk_load_s"], rel=0.05)


def test_every_named_query_on_every_engine(run):
    measured = run[0]["named_queries"]
    assert set(queries.catalogue()) <= set(measured)
    for name, entry in measured.items():
        assert entry["viewer"]["p50_ms"] > 0, name
        assert entry["floor"]["p50_ms"] > 0 and entry["viewer_over_floor"] > 0, name
        assert entry["oxigraph_server"]["p50_ms"] > 0, name
        # The server holds the same graph: the same answers.
        assert entry["oxigraph_server"]["rows"] == entry["viewer"]["rows"], name


def test_start_viewer_apis_network_view_sparql_and_memory(run):
    report = run[0]
    assert report["start"]["p50_ms"] > 0 and report["start"]["start_page"]["p50_ms"] > 0
    for figure in VIEWER_FIGURES:
        entry = report["viewer_api"][figure]
        assert entry != MISSING and entry["p50_ms"] > 0, figure
    for size in ("100", "1000"):
        entry = report["network_view"][size]
        assert entry != MISSING and entry["nodes"] > 0 and entry["median_bytes"] > 0
    for load in (report["sparql_concurrency"], report["oxigraph_server"]["sparql_concurrency"]):
        assert load["requests"] == 8 and load["errors"] == 0 and load["requests_per_s"] > 0
    assert report["serving_memory"]["peak_rss_mib"] > 0
    # 'serve' read the entity network in the background as it started
    assert "entity network ready in" in (run[2] / "serve.log").read_text()


def test_targets_and_table(run):
    report, table, _ = run
    assert report["targets"] and all(t["met"] in (True, False, None) for t in report["targets"])
    assert "| figure | value | pyoxigraph (floor) |" in table
    assert report["command"] in table


def test_the_rdflib_baseline_is_stopped_not_waited_for(run):
    _, _, work = run
    baseline = BaselineProcess(sorted((work / "data").iterdir()))
    try:
        baseline.LIMIT_S = 0.5
        slow = queries.get("laendermatrix").text
        assert baseline.measure(slow, {}, 10_001, runs=1) == {"stopped_after_s": 0.5, "n": 0}
        quick = baseline.measure("SELECT ?s WHERE { ?s ag:isoCode ?c }", {}, 100, runs=2)
        assert quick["n"] == 2
        bound = baseline.measure("SELECT ?c WHERE { ?s ag:isoCode ?c }",
                                 {"s": iri("https://w3id.org/akteursgraph/id/bayern")}, 10,
                                 runs=1)
        assert bound["n"] == 1
    finally:
        baseline.close()
