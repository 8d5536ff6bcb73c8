"""Benchmark parts that need no web server: building, the pyoxigraph floor, the rdflib
baseline, and the named queries on every engine (viewer path, floor, baseline, remote)."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import queries
from .settings import Settings
from .store import StoreError, open_store
from .store.scratch import RdflibBaseline, ScratchStore, bare_bulk_load


def stats(samples: list[float]) -> dict:
    """Milliseconds: p50, p95 (nearest rank), n."""
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0}
    rank = max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[rank] * 1000, 2), "n": len(ordered)}


def timed(function, runs: int, warmup: int = 1) -> tuple[list[float], object]:
    """Seconds of ``runs`` calls after ``warmup`` unmeasured ones, and the last result."""
    result = None
    for _ in range(warmup):
        result = function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return samples, result


# -- building --------------------------------------------------------------------------------
@dataclass
class BuildRun:
    seconds: dict[str, float]  # parse, validate, write (from the build's own summary)
    statements: int
    wall: float
    peak_rss_mib: float


def build_once(data_dir: Path, store_dir: Path) -> BuildRun:
    """``akteursgraph build`` in a fresh process; its peak memory is read with wait4."""
    shutil.rmtree(store_dir, ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "graph.bench_engines", str(data_dir), str(store_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, error = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise StoreError(f"the build failed: {error.decode(errors='replace')[-2000:]}")
    summary = json.loads(out)
    return BuildRun(summary["seconds"], summary["triples"], wall, usage.ru_maxrss / 1024)


def _build_and_report(data_dir: str, store_dir: str) -> None:
    """The child process of :func:`build_once`: one build, its summary as JSON on stdout."""
    from .loading import build

    settings = Settings.from_env(store=store_dir, data=data_dir)
    with open_store(settings) as store:
        summary = build(store, Path(data_dir))
    print(json.dumps({"seconds": summary.seconds, "triples": summary.triples}))


def measure_build(data_dir: Path, work: Path, synthetic: Path, runs: int, *,
                  rdflib_files: list[Path] | None, say) -> dict:
    store_dir = work / "store"
    results = []
    for number in range(runs):
        say(f"build {number + 1}/{runs}")
        results.append(build_once(data_dir, store_dir))
    parts = {key: statistics.median(r.seconds.get(key, 0.0) for r in results)
             for key in ("parse", "validate", "write")}
    # Validation runs beside the writing, so the parts add up to more than the total.
    total = statistics.median(r.seconds["total"] for r in results)
    statements = results[0].statements
    floor_samples = []
    for number in range(runs):
        say(f"pyoxigraph bare bulk load {number + 1}/{runs}")
        target = work / "floor-load"
        shutil.rmtree(target, ignore_errors=True)
        floor_samples.append(bare_bulk_load(synthetic, target))
        shutil.rmtree(target, ignore_errors=True)
    floor = statistics.median(floor_samples)
    out = {"runs": runs, "statements": statements,
           "seconds": {k: round(v, 2) for k, v in parts.items()},
           "total_s": round(total, 2),
           "process_wall_s": round(statistics.median(r.wall for r in results), 2),
           "statements_per_s": round(statements / total),
           "peak_rss_mib": round(max(r.peak_rss_mib for r in results)),
           "floor_bare_bulk_load_s": round(floor, 2),
           "ratio_to_floor": round(total / floor, 2)}
    if rdflib_files:
        say("rdflib in-memory load (the naive baseline)")
        baseline = BaselineProcess(rdflib_files)
        out["rdflib_load_s"] = round(baseline.load_seconds, 2)
        out["speedup_over_rdflib"] = round(out["rdflib_load_s"] / total, 2)
        return out | {"_baseline": baseline}
    out["rdflib_load_s"] = "not measured (baseline run at 100k and 1m only)"
    return out


# -- named queries ---------------------------------------------------------------------------
def query_variants(store) -> list[tuple[str, str, dict]]:
    """(label, query name, parameter values): each named query as a page first opens it,
    and again narrowed to one Land where it takes one."""
    sample = store.query("SELECT ?e WHERE { ?e a ag:FundingProgramme } LIMIT 1").records()
    entity = sample[0]["e"] if sample else store.settings.base_iri + "bayern"
    variants = []
    for query in queries.catalogue().values():
        values = {}
        for param in query.params:
            if not param.optional:
                values[param.name] = "bayern" if param.of_class == "ag:State" else (
                    "https://w3id.org/akteursgraph/ontology#Smart-City"
                    if param.of_class == "skos:Concept" else entity)
        variants.append((query.name, query.name, values))
        if any(p.name == "land" and p.optional for p in query.params):
            variants.append((f"{query.name}[land=bayern]", query.name,
                             {**values, "land": "bayern"}))
    return variants


def measure_queries(settings: Settings, store_dir: Path, runs: int, *, baseline, remote_url,
                    say) -> dict:
    viewer = open_store(settings.with_(store=str(store_dir), query_timeout=600.0))
    floor = ScratchStore.read_only(viewer.current() / "oxigraph")
    remote = open_store(settings.with_(store=remote_url, query_timeout=600.0)) \
        if remote_url else None
    results = {}
    try:
        for label, name, values in query_variants(viewer):
            say(f"named query {label}")
            query = queries.get(name)
            bindings = query.bindings(values, base_iri=settings.base_iri)
            cap = settings.row_cap
            entry = {}
            try:
                samples, answer = timed(lambda: queries.run(viewer, name, values), runs)
                entry["viewer"] = stats(samples) | {"rows": len(answer),
                                                    "truncated": answer.truncated}
            except StoreError as error:
                entry["viewer"] = {"error": str(error)[:300]}
            samples, _ = timed(lambda: floor.tsv(query.text, bindings), runs)
            entry["floor"] = stats(samples)
            if baseline is not None:
                entry["rdflib"] = baseline.measure(query.text, bindings, cap + 1,
                                                   runs=min(3, runs))
            if remote is not None:
                try:
                    samples, answer = timed(lambda: queries.run(remote, name, values), runs)
                    entry["oxigraph_server"] = stats(samples) | {"rows": len(answer)}
                except StoreError as error:
                    entry["oxigraph_server"] = {"error": str(error)[:300]}
            _ratios(entry)
            results[label] = entry
    finally:
        viewer.close()
        if remote is not None:
            remote.close()
    return results


def _ratios(entry: dict) -> None:
    viewer, floor = entry.get("viewer", {}), entry.get("floor", {})
    if viewer.get("p50_ms") and floor.get("p50_ms"):
        entry["viewer_over_floor"] = round(viewer["p50_ms"] / floor["p50_ms"], 2)
    rdflib = entry.get("rdflib", {})
    if rdflib.get("p50_ms") and viewer.get("p50_ms"):
        entry["speedup_over_rdflib"] = round(rdflib["p50_ms"] / viewer["p50_ms"], 1)
    elif rdflib.get("stopped_after_s") and viewer.get("p50_ms"):  # rdflib gave up: at least
        entry["speedup_over_rdflib"] = round(rdflib["stopped_after_s"] * 1000
                                             / viewer["p50_ms"], 1)
        entry["speedup_is_lower_bound"] = True


# -- the rdflib baseline, in a process that can be stopped ------------------------------------
class BaselineProcess:
    """rdflib's in-memory store in a forked child: rdflib cannot stop a running query, so one
    that runs past the limit costs a kill and a reload instead of the whole benchmark."""

    LIMIT_S = 60.0

    def __init__(self, files: list[Path]):
        self.files = files
        self._spawn()

    def _spawn(self) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_baseline_loop, args=(child, self.files),
                                       daemon=True)
        self.process.start()
        child.close()
        self.load_seconds = self.conn.recv()

    def measure(self, text: str, bindings: dict, limit: int, *, runs: int) -> dict:
        samples = []
        for _ in range(runs):
            self.conn.send((text, bindings, limit))
            if not self.conn.poll(self.LIMIT_S):
                self.process.kill()
                self.process.join()
                self._spawn()
                return {"stopped_after_s": self.LIMIT_S, "n": len(samples)}
            kind, value = self.conn.recv()
            if kind == "error":  # rdflib's own evaluation errors
                return {"error": value}
            samples.append(value)
            if value > 5:  # a slow query once is enough
                break
        return stats(samples)

    def close(self) -> None:
        self.process.kill()
        self.process.join()


def _baseline_loop(conn, files: list[Path]) -> None:
    started = time.perf_counter()
    baseline = RdflibBaseline(files)
    conn.send(time.perf_counter() - started)
    while True:
        try:
            text, bindings, limit = conn.recv()
        except EOFError:
            return
        started = time.perf_counter()
        try:
            baseline.count(text, bindings, limit=limit)
            conn.send(("ok", time.perf_counter() - started))
        except Exception as error:
            conn.send(("error", f"{type(error).__name__}: {error}"[:300]))


if __name__ == "__main__":
    _build_and_report(*sys.argv[1:3])
