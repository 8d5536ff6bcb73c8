"""Benchmark parts against a running viewer: start time, the APIs behind each page, the
network view, ``/sparql`` under concurrent clients, memory. The viewer runs as a real
``akteursgraph serve`` process on 127.0.0.1; nothing here imports Flask."""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .bench_engines import stats

MISSING = "not measured (endpoint missing)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None,
          timeout: float = 120) -> tuple[int, bytes, float]:
    """(status, body, seconds) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return response.status, body, time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.perf_counter() - started


class Viewer:
    """``akteursgraph serve`` as a subprocess on a free port."""

    def __init__(self, store: str, *, threads: int = 8, log: Path | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, AKTEURSGRAPH_QUERY_TIMEOUT="60")
        self._log = open(log, "ab") if log else None  # the server's own account of errors
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve", "--store", store, "--port",
             str(self.port), "--threads", str(threads)],
            stdout=subprocess.DEVNULL, stderr=self._log or subprocess.DEVNULL, env=env)
        # The first answer (a static file), then the start page with its queries.
        self.start_seconds = self._wait("/static/css/app.css")
        self.home_seconds = self._wait("/")

    def _wait(self, path: str, limit: float = 300) -> float:
        while time.perf_counter() - self.started < limit:
            if self.process.poll() is not None:
                raise RuntimeError("akteursgraph serve exited before it answered")
            try:
                status, _, _ = fetch(self.base + path, timeout=30)
                if status < 500:
                    return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"akteursgraph serve did not answer within {limit:g} s")

    def get(self, path: str, **params) -> tuple[int, bytes, float]:
        query = urllib.parse.urlencode(params, doseq=True)
        return fetch(f"{self.base}{path}{'?' + query if query else ''}")

    def memory_mib(self) -> dict:
        """Resident memory of the server and its query workers (current and peak)."""
        pids = [self.process.pid] + _descendants(self.process.pid)
        current = sum(_status(pid, "VmRSS") for pid in pids)
        peak = sum(_status(pid, "VmHWM") for pid in pids)
        return {"processes": len(pids), "rss_mib": round(current / 1024),
                "peak_rss_mib": round(peak / 1024)}

    def stop(self) -> None:
        for pid in _descendants(self.process.pid):
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass
        self.process.terminate()
        self.process.wait(30)
        if self._log:
            self._log.close()


def _descendants(pid: int) -> list[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def _status(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure_start(store: str, runs: int) -> dict:
    """Seconds from launching ``akteursgraph serve`` (store already built) to its first
    answer, and to the first answer of the start page (which queries the store)."""
    first, home = [], []
    for _ in range(runs):
        viewer = Viewer(store)
        first.append(viewer.start_seconds)
        home.append(viewer.home_seconds)
        viewer.stop()
    return stats(first) | {"start_page": stats(home)}


# -- the APIs behind the pages ---------------------------------------------------------------
def endpoint(viewer: Viewer, path: str, calls: list[dict], *, warmup: int = 1) -> dict | str:
    """p50/p95 of GET ``path`` with each parameter set in ``calls``; MISSING if the route
    does not exist (every call 404 while the entities exist)."""
    for params in calls[:warmup]:
        viewer.get(path, **params)
    samples, sizes, statuses = [], [], {}
    for params in calls:
        status, body, seconds = viewer.get(path, **params)
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200:
            samples.append(seconds)
            sizes.append(len(body))
    if not samples and set(statuses) == {404}:
        return MISSING
    result = stats(samples) | {"statuses": {str(k): v for k, v in statuses.items()}}
    if sizes:
        result["median_bytes"] = sorted(sizes)[len(sizes) // 2]
    return result


def viewer_apis(viewer: Viewer, sample: dict, samples: int) -> dict:
    rng = random.Random(7)
    entities = sample["entities"]
    prefixes = [label[:n] for label in sample["labels"] for n in (1, 2, 3, 4, 6)]
    pairs = [(rng.choice(entities), rng.choice(entities)) for _ in range(samples)]
    pick = [rng.choice(entities) for _ in range(samples)]
    network_first = viewer.get("/api/matrix")  # the network cache is built on first use
    out = {"network_cache_first_request_ms": round(network_first[2] * 1000)}
    out["search_suggestions"] = endpoint(viewer, "/api/search",
                                         [{"q": p, "limit": 8} for p in prefixes[:samples * 2]])
    out["entity_page"] = endpoint(viewer, "/id/" + pick[0], [{}])  # route probe
    if out["entity_page"] != MISSING:
        page_samples = [viewer.get("/id/" + slug) for slug in pick]
        out["entity_page"] = stats([s for status, _, s in page_samples if status == 200]) | {
            "statuses": _count(status for status, _, _ in page_samples)}
    for depth in (1, 2):
        out[f"neighbourhood_depth_{depth}"] = endpoint(
            viewer, "/api/neighbourhood", [{"focus": slug, "depth": depth} for slug in pick])
    out["connection_finder"] = endpoint(viewer, "/api/paths",
                                        [{"from": a, "to": b} for a, b in pairs if a != b])
    out["funding_flow_first_page"] = endpoint(viewer, "/api/funding", [{}] * 5)
    out["funding_flow_one_land"] = endpoint(viewer, "/api/funding", [{"land": "bayern"}] * 5)
    out["laender_matrix"] = endpoint(viewer, "/api/matrix", [{}] * 5)
    return out


def _count(values) -> dict:
    counted = {}
    for value in values:
        counted[str(value)] = counted.get(str(value), 0) + 1
    return counted


def network_view(viewer: Viewer, candidates: list[str], targets=(100, 1000)) -> dict:
    """Server time and size of /network for ego networks near 100 and 1,000 nodes."""
    sizes = {}
    for slug in candidates:
        for depth in (1, 2):
            for pages in (1, 10):
                status, body, _ = viewer.get("/api/neighbourhood", focus=slug, depth=depth,
                                             pages=pages)
                if status == 404:
                    return {str(t): MISSING for t in targets}
                if status == 200:
                    sizes[(slug, depth, pages)] = len(json.loads(body)["nodes"])
    out = {}
    for target in targets:
        if not sizes:
            out[str(target)] = "no candidate entity"
            continue
        (slug, depth, pages), nodes = min(sizes.items(), key=lambda kv: abs(kv[1] - target))
        calls = [{"focus": slug, "depth": depth, "pages": pages}] * 6
        result = endpoint(viewer, "/network", calls)
        out[str(target)] = result if isinstance(result, str) else result | {
            "nodes": nodes, "focus": slug, "depth": depth, "pages": pages}
    return out


# -- /sparql under concurrent clients --------------------------------------------------------
SPARQL_MIX = [
    "SELECT ?e ?label WHERE { ?e a ag:FundingProgramme ; rdfs:label ?label } LIMIT 50",
    "SELECT ?kind (COUNT(?e) AS ?n) WHERE { ?e ag:inState id:bayern ; a ?kind } GROUP BY ?kind",
    "SELECT ?p ?o WHERE { ?s ag:ags \"09162\" ; ?p ?o }",
    "ASK { ?x ag:funds ?y }",
]


def sparql_load(url: str, *, clients: int = 16, per_client: int = 25) -> dict:
    """``clients`` threads each send ``per_client`` queries of a fixed mix; every answer must
    be 200. ``url`` is the viewer's /sparql or a SPARQL server's query URL."""
    prefixes = ("PREFIX ag: <https://w3id.org/akteursgraph/ontology#>\n"
                "PREFIX id: <https://w3id.org/akteursgraph/id/>\n"
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")

    failures: list[str] = []  # the first few failed answers, for the report

    def client(number: int) -> list[tuple[int, float]]:
        out = []
        for i in range(per_client):
            text = prefixes + SPARQL_MIX[(number + i) % len(SPARQL_MIX)]
            body = urllib.parse.urlencode({"query": text}).encode()
            try:
                status, answer, seconds = fetch(url, data=body, headers={
                    "Accept": "application/sparql-results+json",
                    "Content-Type": "application/x-www-form-urlencoded"}, timeout=60)
            except OSError as error:
                status, answer, seconds = 0, str(error).encode(), 0.0
            if status != 200 and len(failures) < 5:
                failures.append(f"{status}: {answer[:300].decode(errors='replace')}")
            out.append((status, seconds))
        return out

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        answers = [a for batch in pool.map(client, range(clients)) for a in batch]
    wall = time.perf_counter() - started
    errors = sum(1 for status, _ in answers if status != 200)
    return stats([s for status, s in answers if status == 200]) | {
        "clients": clients, "requests": len(answers), "errors": errors,
        "requests_per_s": round(len(answers) / wall, 1),
        "error_statuses": _count(status for status, _ in answers if status != 200),
        "first_errors": failures}
