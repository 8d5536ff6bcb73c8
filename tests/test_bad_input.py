"""Bad input ends with one clear line on stderr and exit status 2 — never a traceback — and no
source file makes the build reach outside the machine.

The malformed files live in tests/data/bad/; each names, in its comment where the format has
comments, the line and column its error is at.
"""
from __future__ import annotations

import fcntl
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

BAD = Path(__file__).resolve().parent / "data" / "bad"
MINI = Path(__file__).resolve().parent / "data" / "mini"


def cli(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    """The installed `akteursgraph` command, without AKTEURSGRAPH_* settings from outside."""
    script = Path(sys.executable).with_name("akteursgraph")
    if not script.exists():
        pytest.fail(f"{script} is missing: install the project with pip install -e '.[test]'")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKTEURSGRAPH_")}
    return subprocess.run([str(script), *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, env=env)


def failure_line(result: subprocess.CompletedProcess, command: str) -> str:
    """The one line that reports the failure (progress lines may come before it)."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    reports = [line for line in lines if line.startswith(f"akteursgraph {command}: ")]
    assert reports == lines[-1:], result.stderr
    return reports[0]


def data_dir(tmp_path: Path, *files: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for path in files:
        shutil.copy(path, data / path.name)
    return data


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free again once closed: nothing listens there


@pytest.fixture(scope="module")
def listener():
    """A local HTTP server that counts every request; it would serve a JSON-LD context."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {"name": "http://www.w3.org/2000/01/rdf-schema#label"}}')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.hits = hits
    server.url = f"http://127.0.0.1:{server.server_port}"
    urllib.request.urlopen(server.url + "/probe", timeout=5).close()
    assert hits == ["/probe"], "the server must count, or hits == [] proves nothing"
    hits.clear()
    yield server
    server.shutdown()


# -- malformed source files -------------------------------------------------------------------
@pytest.mark.parametrize("name, line, column", [
    ("broken.ttl", 9, 1),
    ("broken.trig", 9, 53),
    ("broken.jsonld", 4, 53),
])
def test_syntax_error_names_file_line_and_column(tmp_path, name, line, column):
    data_dir(tmp_path, BAD / name)
    report = failure_line(cli("build", "--data", "data", "--store", "store", cwd=tmp_path),
                          "build")
    assert report.startswith(f"akteursgraph build: data/{name}:{line}:{column}: "), report
    assert f"line {line}" in report
    assert not (tmp_path / "store" / "current").exists()


def test_unknown_format_names_the_file_and_the_formats(tmp_path):
    data_dir(tmp_path, MINI / "verzeichnis.trig", BAD / "unknown-format.rdfx")
    report = failure_line(cli("build", "--data", "data", "--store", "store", cwd=tmp_path),
                          "build")
    assert "data/unknown-format.rdfx" in report and "'.rdfx'" in report
    assert all(suffix in report for suffix in (".ttl", ".trig", ".jsonld")), report


def test_missing_data_directory(tmp_path):
    report = failure_line(cli("build", "--data", "nowhere", "--store", "store", cwd=tmp_path),
                          "build")
    assert "nowhere" in report and "does not exist" in report and "--data" in report


@pytest.mark.parametrize("command", [["query", "-"], ["export", "--format", "nt"]])
def test_unreachable_endpoint(tmp_path, command):
    url = f"http://127.0.0.1:{closed_port()}/query"
    report = failure_line(cli(*command, "--store", url, cwd=tmp_path, stdin="ASK {}"),
                          command[0])
    assert f"cannot reach the SPARQL endpoint {url}" in report
    assert "check that the server runs" in report


def test_store_locked_by_another_process(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    with open(store / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        result = cli("build", "--data", str(MINI), "--store", "store", cwd=tmp_path)
    report = failure_line(result, "build")
    assert "locked" in report and str(store) in report
    assert not (store / "current").exists()


# -- nothing is fetched -------------------------------------------------------------------------
@pytest.mark.parametrize("context", ["remote", "remote @import", "file"])
def test_jsonld_context_is_never_fetched(tmp_path, listener, context):
    if context == "file":
        source = BAD / "file-context.jsonld"  # "@context": "file:///etc/passwd"
    else:
        url = listener.url + "/ctx.jsonld"
        value = f'"{url}"' if context == "remote" else f'{{"@import": "{url}"}}'
        source = tmp_path / "remote-context.jsonld"
        source.write_text('{"@context": ' + value + ', "@id": '
                          '"https://w3id.org/akteursgraph/id/kontext-verein", '
                          '"name": "Ein Verein mit fernem Kontext"}', encoding="utf-8")
    data_dir(tmp_path, source)
    report = failure_line(cli("build", "--data", "data", "--store", "store", cwd=tmp_path),
                          "build")
    assert f"data/{source.name}: " in report and "never fetched" in report
    assert "write the context inline" in report
    assert listener.hits == []
