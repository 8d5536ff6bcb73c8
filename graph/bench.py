"""``akteursgraph bench``: how the product behaves at national scale, measured in one run.

It generates the synthetic landscape (cached per size, seed and generator version), builds it
with the real Länder and Kreise, and measures the build (parse, validation, writing; peak
memory) against pyoxigraph's bare bulk load of the same file; every named query on the viewer's
path, on pyoxigraph directly (the floor), on rdflib's in-memory store (the naive baseline, up
to 1 m) and on an ``oxigraph serve`` process (``--server``); the start of ``akteursgraph serve``,
the APIs behind each page, the network view, ``/sparql`` under 16 concurrent clients, and the
server's memory. Medians after a warm-up; the JSON carries versions and machine too.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import bench_engines, bench_http
from .bench_report import markdown, targets
from .cli import command
from .generate import generate, parse_size
from .settings import ROOT
from .store import DataError, open_store

FRAME = ["laender-iso-3166-2.trig", "districts.trig"]
PACKAGES = ["rdflib", "pyoxigraph", "oxigraph", "pyshacl", "networkx", "pyvis", "Flask",
            "waitress", "SPARQLWrapper", "akteursgraph"]


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                   .splitlines() if line.startswith("MemTotal:")), 0)
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                  .splitlines() if line.startswith("model name")), platform.processor())
    return {"cores": os.cpu_count(), "memory_gib": round(memory / 1024 ** 2, 1),
            "cpu": model, "python": platform.python_version(), "system": platform.platform(),
            "load_average_at_start": os.getloadavg()}


def versions() -> dict:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def synthetic_file(work: Path, size: int, seed: int) -> Path:
    """The generated landscape, reused while generator, frame and seed are unchanged."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "graph").glob("generate*.py")) + [ROOT / "data" / FRAME[1]]:
        digest.update(path.read_bytes())
    path = work / f"synthetic-{size}-{seed}-{digest.hexdigest()[:10]}.nq"
    if not path.exists():
        _say(f"generating {size:,} statements into {path}")
        partial = path.with_suffix(".part")
        with open(partial, "wb") as out:
            generate(size, out, seed=seed)
        partial.replace(path)
    return path


def data_dir(work: Path, synthetic: Path) -> Path:
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    for name in FRAME:
        shutil.copy(ROOT / "data" / name, data / name)
    os.symlink(synthetic, data / synthetic.name)
    return data


def sample(settings, store_dir: Path) -> dict:
    """Entities to ask for: some of every kind, their slugs and labels."""
    store = open_store(settings.with_(store=str(store_dir), query_timeout=120.0))
    base = settings.base_iri
    entities, labels, candidates = [], [], ["bayern", "landkreistag-bayern"]
    try:
        for kind in ("Municipality", "District", "Person", "FundingProgramme", "Competition",
                     "StateMinistry", "Association", "Network", "Event", "State"):
            rows = store.query(f"SELECT ?e ?l WHERE {{ ?e a ag:{kind} ; rdfs:label ?l . "
                               'FILTER(LANG(?l) = "de") } LIMIT 12').records()
            for row in rows:
                entities.append(row["e"][len(base):])
                labels.append(row["l"])
            if kind in ("District", "FundingProgramme", "Network") and rows:
                candidates += [row["e"][len(base):] for row in rows[:2]]
    finally:
        store.close()
    return {"entities": entities, "labels": labels[::3], "candidates": candidates}


class OxigraphServer:
    """``oxigraph serve`` loaded with the same built dataset (scaling out)."""

    def __init__(self, work: Path, store_dir: Path):
        binary = shutil.which("oxigraph")
        if binary is None:
            raise DataError("the 'oxigraph' command is missing", hint="pip install oxigraph")
        dump, location = work / "dump.nq", work / "oxigraph-server"
        shutil.rmtree(location, ignore_errors=True)
        with open(dump, "wb") as out:
            subprocess.run([sys.executable, "-m", "graph.cli", "export", "--format", "nq",
                            "--store", str(store_dir)], stdout=out, check=True)
        started = time.perf_counter()
        subprocess.run([binary, "load", "--location", str(location), "--file", str(dump)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.load_seconds = time.perf_counter() - started
        dump.unlink()
        port = bench_http.free_port()
        self.url = f"http://127.0.0.1:{port}/query"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                bench_http.fetch(self.url + "?query=ASK%7B%7D", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        # As the build does for a remote store: the default graph holds the merge of the
        # source graphs (a set), so queries see each fact once.
        started = time.perf_counter()
        status, body, _ = bench_http.fetch(
            self.url.removesuffix("/query") + "/update", timeout=3600,
            data=b"INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
            headers={"Content-Type": "application/sparql-update"})
        if status >= 300:
            raise DataError(f"oxigraph serve refused the merge: {body[:300]!r}")
        self.load_seconds += time.perf_counter() - started

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def run(size: int, *, seed: int, work: Path, settings, runs: int, samples: int,
        server: bool, rdflib: bool | None, clients: int, per_client: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    synthetic = synthetic_file(work, size, seed)
    data = data_dir(work, synthetic)
    report = {"command": " ".join(["akteursgraph", *sys.argv[1:]]), "size": size,
              "seed": seed, "machine": machine(),
              "versions": versions(), "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    use_rdflib = size <= 1_000_000 if rdflib is None else rdflib
    build = bench_engines.measure_build(
        data, work, synthetic, runs, say=_say,
        rdflib_files=sorted(data.iterdir()) if use_rdflib else None)
    baseline = build.pop("_baseline", None)
    report["build"] = build
    store_dir = work / "store"
    report["start"] = bench_http.measure_start(str(store_dir), runs=max(runs, 3))
    oxigraph = None
    if server:
        _say("loading the same graph into 'oxigraph serve'")
        oxigraph = OxigraphServer(work, store_dir)
        report["oxigraph_server"] = {"load_s": round(oxigraph.load_seconds, 2),
                                     "url": oxigraph.url}
    try:
        report["named_queries"] = bench_engines.measure_queries(
            settings, store_dir, samples, baseline=baseline, say=_say,
            remote_url=oxigraph.url if oxigraph else None)
        if baseline is not None:
            baseline.close()
        picked = sample(settings, store_dir)
        _say("viewer APIs")
        viewer = bench_http.Viewer(str(store_dir), log=work / "serve.log")
        try:
            report["viewer_api"] = bench_http.viewer_apis(viewer, picked, samples)
            report["network_view"] = bench_http.network_view(viewer, picked["candidates"])
            _say(f"/sparql under {clients} concurrent clients")
            report["sparql_concurrency"] = bench_http.sparql_load(
                viewer.base + "/sparql", clients=clients, per_client=per_client)
            report["serving_memory"] = viewer.memory_mib()
        finally:
            viewer.stop()
        if oxigraph:
            report["oxigraph_server"]["sparql_concurrency"] = bench_http.sparql_load(
                oxigraph.url, clients=clients, per_client=per_client)
    finally:
        if oxigraph:
            oxigraph.stop()
    report["machine"]["load_average_at_end"] = os.getloadavg()
    report["targets"] = targets(report)
    return report


def _configure(parser) -> None:
    parser.add_argument("--size", required=True, help="100k, 1m, 5m or a number of statements")
    parser.add_argument("--json", metavar="FILE", help="write every figure to FILE as JSON")
    parser.add_argument("--seed", type=int, default=20261122, help="the generator's seed")
    parser.add_argument("--work", metavar="DIR", help="where the generated file, the data "
                        "and the stores go (default: /tmp/akteursgraph-bench-SIZE)")
    parser.add_argument("--runs", type=int, help="builds and starts measured (default 3, "
                        "1 from 5 m)")
    parser.add_argument("--samples", type=int, help="requests or query runs per figure "
                        "(default 30; 10 from 1 m, 5 from 5 m, where one query takes seconds)")
    parser.add_argument("--server", action=argparse.BooleanOptionalAction,
                        default=True, help="also measure an 'oxigraph serve' process "
                        "loaded with the same graph (default: yes)")
    parser.add_argument("--rdflib", action=argparse.BooleanOptionalAction,
                        default=None, help="measure the rdflib baseline (default: up to 1 m)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent /sparql clients")
    parser.add_argument("--requests", type=int, default=25,
                        help="/sparql requests per client (default 25)")


@command("bench", "measure build, start, queries, viewer APIs and /sparql at a given scale",
         configure=_configure)
def cmd_bench(args, settings) -> int:
    """Generates (or reuses) the synthetic landscape of the given size, builds it and measures
    everything the scale issue asks for, each figure also as a ratio to pyoxigraph and rdflib
    measured in the same run. Prints a Markdown table; --json FILE keeps every figure."""
    size = parse_size(args.size)
    work = Path(args.work or f"/tmp/akteursgraph-bench-{args.size}")
    runs = args.runs or (1 if size >= 5_000_000 else 3)
    samples = args.samples or (5 if size >= 5_000_000 else 10 if size >= 1_000_000 else 30)
    report = run(size, seed=args.seed, work=work, settings=settings, runs=runs,
                 samples=samples, server=args.server, rdflib=args.rdflib,
                 clients=args.clients, per_client=args.requests)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    print(markdown(report))
    return 0
