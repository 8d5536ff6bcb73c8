"""The benchmark's verdicts (the figures the scale issue asks for) and its Markdown table."""
from __future__ import annotations

MISSING = "not measured"


def _p(entry, key="p95_ms"):
    return entry.get(key) if isinstance(entry, dict) else None


def targets(report: dict) -> list[dict]:
    """Each target of the scale issue that applies at this size: limit, value, met."""
    size, out = report["size"], []

    def check(name, value, limit, *, at_least=False, unit=""):
        if value is None:
            out.append({"target": name, "limit": limit, "value": MISSING, "met": None})
            return
        met = value >= limit if at_least else value <= limit
        out.append({"target": name, "limit": f"{'≥' if at_least else '≤'} {limit}{unit}",
                    "value": value, "met": met})

    build = report.get("build", {})
    if size >= 5_000_000:
        check("build incl. validation (s)", build.get("total_s"), 300)
    if 1_000_000 <= size < 5_000_000:
        check("build / bare pyoxigraph bulk load", build.get("ratio_to_floor"), 3)
        if isinstance(build.get("speedup_over_rdflib"), (int, float)):
            check("build speed-up over rdflib load", build["speedup_over_rdflib"], 10,
                  at_least=True)
        for name, entry in report.get("named_queries", {}).items():
            if "speedup_over_rdflib" in entry:
                check(f"query {name}: speed-up over rdflib", entry["speedup_over_rdflib"], 10,
                      at_least=True)
    check("start until the first answer, median (ms)", _p(report.get("start"), "p50_ms"), 2000)
    check("serving memory, peak (MiB)", _p(report.get("serving_memory"), "peak_rss_mib"), 1536)
    for name, entry in report.get("named_queries", {}).items():
        if "viewer_over_floor" in entry:
            check(f"query {name}: viewer / pyoxigraph", entry["viewer_over_floor"], 1.5)
    api = report.get("viewer_api", {})
    if size >= 5_000_000:
        for key, limit in (("search_suggestions", 50), ("entity_page", 50),
                           ("neighbourhood_depth_2", 200), ("connection_finder", 200),
                           ("laender_matrix", 500), ("funding_flow_first_page", 500)):
            check(f"{key} p95 (ms)", _p(api.get(key)), limit)
    check("network view of ~1,000 nodes, median server time (ms)",
          _p(report.get("network_view", {}).get("1000"), "p50_ms"), 300)
    check("/sparql errors under concurrent clients",
          report.get("sparql_concurrency", {}).get("errors"), 0)
    return out


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "–" if value is None else str(value)


def markdown(report: dict) -> str:
    """The table for the README: the figures of one run, with the command that made them."""
    build, start = report.get("build", {}), report.get("start", {})
    load = report["machine"]["load_average_at_start"]
    lines = [f"Measured with `{report['command']}` on {report['machine']['cores']} cores, "
             f"{report['machine']['memory_gib']} GiB ({report['started']}; load average "
             f"{', '.join(f'{x:.1f}' for x in load)} at the start"
             + (" — other work shared the machine)." if load[0] > 0.5 else ")."), "",
             "| figure | value | pyoxigraph (floor) | ratio | rdflib (baseline) | speed-up |",
             "|---|---:|---:|---:|---:|---:|"]
    seconds = build.get("seconds", {})
    lines.append(
        f"| build {report['size']:,}: parse / validate / write (s) | "
        f"{_fmt(seconds.get('parse'))} / {_fmt(seconds.get('validate'))} / "
        f"{_fmt(seconds.get('write'))} = {_fmt(build.get('total_s'))} | "
        f"{_fmt(build.get('floor_bare_bulk_load_s'))} (bare bulk load) | "
        f"{_fmt(build.get('ratio_to_floor'))} | {_fmt(build.get('rdflib_load_s'))} (load) | "
        f"{_fmt(build.get('speedup_over_rdflib'))} |")
    lines.append(f"| build: statements/s, peak memory | {_fmt(build.get('statements_per_s'))}"
                 f"/s, {_fmt(build.get('peak_rss_mib'))} MiB | | | | |")
    lines.append(f"| start until the first answer (ms, p50) | {_fmt(start.get('p50_ms'))} "
                 "| | | | |")
    for name, entry in report.get("named_queries", {}).items():
        viewer = entry.get("viewer", {})
        value = viewer.get("error") or f"{_fmt(viewer.get('p50_ms'))} / " \
            f"{_fmt(viewer.get('p95_ms'))}"
        server = entry.get("oxigraph_server", {})
        lines.append(
            f"| query `{name}` p50 / p95 (ms) | {value} | {_fmt(entry['floor'].get('p50_ms'))} "
            f"| {_fmt(entry.get('viewer_over_floor'))} | "
            f"{_fmt(entry.get('rdflib', {}).get('p50_ms'))} | "
            f"{_fmt(entry.get('speedup_over_rdflib'))} |"
            + (f" server {_fmt(server.get('p50_ms'))}" if server.get("p50_ms") else ""))
    for name, entry in report.get("viewer_api", {}).items():
        if isinstance(entry, dict):
            lines.append(f"| viewer `{name}` p50 / p95 (ms) | {_fmt(entry.get('p50_ms'))} / "
                         f"{_fmt(entry.get('p95_ms'))} | | | | |")
        else:
            lines.append(f"| viewer `{name}` | {_fmt(entry)} | | | | |")
    for target, entry in report.get("network_view", {}).items():
        if isinstance(entry, dict):
            lines.append(f"| network view, {entry.get('nodes')} nodes: server ms p50, size | "
                         f"{_fmt(entry.get('p50_ms'))} ms, "
                         f"{_fmt(entry.get('median_bytes'))} bytes | | | | |")
    for label, entry in (("viewer /sparql", report.get("sparql_concurrency")),
                         ("oxigraph server /query",
                          report.get("oxigraph_server", {}).get("sparql_concurrency"))):
        if entry:
            lines.append(f"| {label}, {entry['clients']} clients: req/s, p95 ms, errors | "
                         f"{_fmt(entry['requests_per_s'])}, {_fmt(entry.get('p95_ms'))}, "
                         f"{entry['errors']} | | | | |")
    memory = report.get("serving_memory", {})
    lines.append(f"| serving memory: now / peak (MiB) | {_fmt(memory.get('rss_mib'))} / "
                 f"{_fmt(memory.get('peak_rss_mib'))} | | | | |")
    missed = [t for t in report.get("targets", []) if t["met"] is False]
    lines += ["", f"Targets met: {sum(1 for t in report.get('targets', []) if t['met'])} of "
              f"{len(report.get('targets', []))}."]
    lines += [f"- missed: {t['target']}: {_fmt(t['value'])} (limit {t['limit']})"
              for t in missed]
    return "\n".join(lines)
