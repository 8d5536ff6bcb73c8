"""Shared fixtures: real stores, a real oxigraph server, a real viewer, a real browser.

Nothing here is module-level state: every fixture builds its own, ports are chosen free.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from graph.loading import build
from graph.settings import ROOT, Settings
from graph.store import open_store

TESTS = Path(__file__).resolve().parent
FIXTURE_DATA = TESTS / "data"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up within {seconds} s")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory) -> Path:
    """The curated data/ plus the test fixtures (e.g. an entity with a hostile label)."""
    target = tmp_path_factory.mktemp("data")
    for path in (ROOT / "data").glob("*.trig"):
        shutil.copy(path, target / path.name)
    for path in FIXTURE_DATA.glob("*.trig"):
        shutil.copy(path, target / f"fixture-{path.name}")
    return target


@pytest.fixture(scope="session")
def seed_settings(seed_data_dir) -> Settings:
    return Settings.from_env(store=":memory:", data=str(seed_data_dir), query_timeout=10.0)


@pytest.fixture(scope="session")
def seed_store(seed_settings):
    """An in-memory store built from the seed data and the fixtures."""
    store = open_store(seed_settings)
    build(store, Path(seed_settings.data))
    yield store
    store.close()


@pytest.fixture(scope="session")
def app(seed_settings, seed_store):
    from webapp import create_app

    application = create_app(seed_settings, store=seed_store)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app):
    """The viewer under waitress on 127.0.0.1 and a free port; yields its base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    wait_for(base + "/")
    yield base
    server.close()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real `oxigraph serve` process (PyPI package oxigraph) on 127.0.0.1; yields its URL.

    No --union-default-graph: the store writes the merge of the named graphs into the default
    graph itself (a set, unlike a union view), as it does for the embedded store."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the 'oxigraph' server command is missing: pip install 'oxigraph==0.5.13' "
                    "(it comes with pip install -e '.[test]')")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/query?query=ASK%7B%7D")
        yield base
    finally:
        process.terminate()
        process.wait(10)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright. Fails (never skips) when missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: install Debian's package with "
                    "'apt-get install -y chromium' (.ci/run does this)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that records every request; the test fails if one leaves 127.0.0.1."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests
    yield page
    context.close()
    foreign = [url for url in requests
               if not url.startswith((live_server, "data:", "blob:", "about:"))]
    assert not foreign, f"the viewer reached outside 127.0.0.1: {foreign}"
