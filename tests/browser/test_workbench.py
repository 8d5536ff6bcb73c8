"""The SPARQL workbench in headless Chromium: an example run with the keyboard, its answer as a
table and as a network, hostile labels shown as text, errors marked in the editor, Cancel, and
axe-core on every state (no serious or critical violations)."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from graph import queries
from tests.browser_support import axe_violations, describe

XSS = "<img src=x onerror=alert(1)>"


def accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.fixture
def dialogs(page):
    """Every alert/confirm/prompt the page opens (there must be none)."""
    opened: list[str] = []

    def record(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def type_query(page, text: str) -> None:
    editor = page.locator("#workbench .cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)  # no auto-closed brackets, unlike typing key by key


def load_example(page, name: str) -> None:
    page.locator("#wb-example").select_option(name)
    page.locator("#wb-load").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#workbench .cm-content")).to_be_focused()


def test_example_run_with_the_keyboard_as_table_and_network(page, live_server, dialogs):
    page.goto(live_server + "/workbench")
    expect(page.locator("#workbench .cm-editor")).to_be_visible()  # the editor replaced...
    expect(page.locator("#wb-query")).to_be_hidden()  # ...the labelled textarea
    accessible(page)

    load_example(page, "start-30-foerderung")
    expect(page.locator("#wb-example-description")).to_contain_text("Förderung")
    page.keyboard.press("Control+Enter")
    table = page.locator("#wb-table table")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_text(["Subjekt", "Prädikat", "Objekt"])
    assert table.locator("tbody tr").count() > 5
    expect(table.get_by_role("link", name="ag:funds").first).to_be_visible()
    expect(page.locator("#wb-status")).to_contain_text("Tripel")
    assert "query=" in page.url and "CONSTRUCT" in page.url.replace("+", " ")
    expect(page.locator("#wb-download-links").get_by_role("link", name="Turtle")).to_have_attribute(
        "href", re.compile(r"^/sparql\?query=.*&format=turtle$"))
    accessible(page)

    page.locator("#wb-view-network").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#wb-network canvas")).to_be_visible()
    expect(page.locator("#wb-view-network")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#wb-table")).to_be_hidden()
    nodes = page.evaluate("() => window.akteursgraphWorkbench.nodes.length")
    edges = page.evaluate("() => window.akteursgraphWorkbench.edges.length")
    assert nodes > 3 and edges > 0
    label = page.locator("#wb-network").get_attribute("aria-label")
    assert str(nodes) in label and str(edges) in label
    accessible(page)
    assert dialogs == []


def test_a_named_query_runs_from_the_picker(page, live_server):
    runnable = [q for q in queries.catalogue().values() if all(p.optional for p in q.params)]
    assert runnable, "the named-query catalogue has no query without required parameters"
    page.goto(live_server + "/workbench")
    load_example(page, runnable[0].name)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#wb-results")).to_be_visible()
    expect(page.locator("#wb-error")).to_be_hidden()
    expect(page.locator("#wb-status")).to_have_text(re.compile(r"\d"))


def test_hostile_label_is_shown_as_text_in_table_and_network(page, live_server, dialogs):
    page.goto(live_server + "/workbench")
    type_query(page, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                     "SELECT ?verein ?name WHERE {\n"
                     "  BIND(<https://w3id.org/akteursgraph/id/xss-verein> AS ?verein)\n"
                     "  ?verein rdfs:label ?name }")
    page.keyboard.press("Control+Enter")
    cell = page.locator("#wb-table td", has_text=XSS)
    expect(cell).to_have_count(1)
    assert page.locator("#wb-table img, #wb-table script").count() == 0
    page.locator("#wb-view-network").click()
    expect(page.locator("#wb-network canvas")).to_be_visible()
    labels = page.evaluate("() => window.akteursgraphWorkbench.nodes.get().map(n => n.label)")
    assert XSS in labels
    page.wait_for_timeout(300)  # time for an injected handler to fire, if there were one
    assert dialogs == []


def test_syntax_error_is_marked_next_to_the_editor(page, live_server):
    page.goto(live_server + "/workbench?lang=en")
    type_query(page, "SELECT ?s\nWHERE { ?s ?p }")
    page.locator("#wb-run").click()
    error = page.locator("#wb-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Syntax error at line 2")
    expect(page.locator("#workbench .cm-lintRange-error")).to_have_count(1)
    accessible(page)

    type_query(page, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    page.keyboard.press("Control+Enter")
    expect(error).to_contain_text("Refused")
    expect(error).to_contain_text("SERVICE")


def test_a_link_reproduces_the_query_and_cancel_stops_a_run(page, live_server):
    ask = 'ASK { ?land <https://w3id.org/akteursgraph/ontology#isoCode> "DE-BW" }'
    page.goto(live_server + "/workbench?" + urlencode({"query": ask}))
    expect(page.locator("#wb-table .wb-ask")).to_have_text("Antwort: Ja")
    expect(page.locator("#wb-view-network")).to_be_hidden()
    accessible(page)

    # Hold the next answer back in the browser, so the run stays in flight without costing
    # the server a query worker (a slow real query would keep one busy until its time limit).
    held = []
    page.route("**/sparql", lambda route: held.append(route))
    type_query(page, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    page.keyboard.press("Control+Enter")
    cancel = page.locator("#wb-cancel")
    expect(cancel).to_be_visible()
    expect(page.locator("#wb-status")).to_contain_text("läuft")
    cancel.click()
    expect(page.locator("#wb-status")).to_have_text("Die Abfrage wurde abgebrochen.")
    expect(cancel).to_be_hidden()
    expect(page.locator("#wb-run")).to_be_enabled()
    assert len(held) == 1 and held[0].request.method == "POST"


def test_a_cut_answer_says_so(page, live_server, seed_settings):
    page.goto(live_server + "/workbench?lang=en")
    # Every pair of typed entities: far more rows than the row cap, cut by the server at once.
    type_query(page, "SELECT ?a ?b WHERE { ?a a ?x . ?b a ?y }")
    page.keyboard.press("Control+Enter")
    notice = page.locator("#wb-truncated")
    expect(notice).to_be_visible(timeout=20_000)
    expect(notice).to_contain_text(f"{seed_settings.row_cap:,}")
    assert page.locator("#wb-table tbody tr").count() == seed_settings.row_cap
