"""The network views in a real browser (Chromium via Playwright): drawing, clicking, keyboard,
tooltips as text, PNG export, and axe-core on every page."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import axe_violations, describe

XSS = "<img src=x onerror=alert(1)>"
STABLE = "[data-state=stable]"


@pytest.fixture
def view(page, live_server):
    """The page, failing the test if any dialog opens (a hostile label that ran)."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.base = live_server
    yield page
    assert not dialogs, f"a dialog opened: {dialogs}"
    assert not errors, f"script errors: {errors}"


def open_view(page, path: str, container: str = "#network-view") -> None:
    page.goto(page.base + path)
    page.wait_for_selector(container + STABLE, timeout=30_000)


def accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def node_count(page) -> int:
    return page.evaluate("() => window.agNetwork.nodes.length")


def inked_pixels(page, container: str = "#network-view") -> int:
    """Pixels of the canvas that are not white: proof that something was drawn."""
    return page.evaluate("""(selector) => {
        const canvas = document.querySelector(selector + ' canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) {
            if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) inked++;
        }
        return inked;
    }""", container)


def node_point(page, node_id: str, container: str = "#network-view") -> tuple[float, float]:
    page.locator(container).scroll_into_view_if_needed()
    return page.evaluate("""([id, selector]) => {
        const net = window.agNetwork.network;
        const p = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.querySelector(selector).getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", [node_id, container])


def edge_point(page, edge_id: str) -> tuple[float, float]:
    # The middle of the drawn edge (vis-network's own geometry, so curved edges work too).
    page.locator("#network-view").scroll_into_view_if_needed()
    return page.evaluate("""(id) => {
        const net = window.agNetwork.network;
        const p = net.canvasToDOM(net.body.edges[id].edgeType.getPoint(0.5));
        const box = document.querySelector('#network-view').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", edge_id)


def test_network_draws_a_focus_and_its_neighbourhood(view):
    open_view(view, "/network?focus=digitale-doerfer&depth=2")
    rows = view.locator("#node-table tbody tr").count()
    assert node_count(view) == rows > 1
    assert inked_pixels(view) > 500
    assert view.locator("#layout-progress").is_hidden()
    accessible(view)


def test_click_a_node_expand_it_and_open_its_page(view):
    open_view(view, "/network?focus=digitale-doerfer&depth=1")
    before = node_count(view)
    x, y = node_point(view, "rheinland-pfalz")
    view.mouse.click(x, y)
    details = view.locator("#side-details")
    details.locator("h3", has_text="Rheinland-Pfalz").wait_for()
    details.get_by_role("button", name="Erweitern").click()
    view.wait_for_function(f"() => window.agNetwork.nodes.length > {before}")
    view.wait_for_selector("#network-view" + STABLE)
    assert "expand=rheinland-pfalz" in view.url  # the link reproduces the view
    assert view.locator("#node-table tbody tr").count() == node_count(view)
    details.get_by_role("link", name="Seite öffnen").click()
    view.wait_for_url(re.compile(r"/id/rheinland-pfalz$"))


def test_click_an_edge_shows_its_passage(view):
    open_view(view, "/network?focus=digitale-doerfer&depth=1")
    edge = view.evaluate("""() => window.agNetwork.edges.get().find(
        e => e.from === 'rheinland-pfalz' && e.to === 'digitale-doerfer').id""")
    x, y = edge_point(view, edge)
    view.mouse.click(x, y)
    quote = view.locator("#side-details blockquote.passage").first
    quote.wait_for()
    assert "Digitale Dörfer" in quote.inner_text()


def test_keyboard_picks_a_node_and_lists_its_neighbours_as_links(view):
    open_view(view, "/network?focus=digitale-doerfer&depth=1")
    picker = view.locator("#node-picker")
    picker.focus()
    picker.select_option("rheinland-pfalz")
    links = view.locator("#side-details ul a")
    links.first.wait_for()
    assert "/id/digitale-doerfer" in [links.nth(i).get_attribute("href")
                                      for i in range(links.count())]
    legend = view.locator(".legend-toggle").first
    legend.focus()
    view.keyboard.press("Enter")
    assert legend.get_attribute("aria-pressed") == "false"
    assert view.evaluate("() => window.agNetwork.nodes.get({filter: n => n.hidden}).length") > 0


def test_hostile_label_stays_text_in_tooltip_and_panel(view):
    open_view(view, "/network?focus=xss-verein")
    x, y = node_point(view, "xss-verein")
    view.mouse.move(x - 40, y - 40)
    view.mouse.move(x, y)
    tooltip = view.locator("div.vis-tooltip")
    view.wait_for_function("() => document.querySelector('div.vis-tooltip') && "
                           "getComputedStyle(document.querySelector('div.vis-tooltip'))"
                           ".visibility === 'visible'")
    assert tooltip.text_content() == f"{XSS} (Verband)"
    assert tooltip.locator("img").count() == 0
    view.mouse.click(x, y)
    view.locator("#side-details h3").wait_for()
    assert view.locator("#side-details h3").text_content() == XSS
    assert view.locator("main img, main script").count() == 0
    accessible(view)


def test_png_export_downloads_the_picture(view, tmp_path):
    open_view(view, "/network?focus=digitale-doerfer")
    with view.expect_download() as download:
        view.locator("#export-png").click()
    assert download.value.suggested_filename == "akteursgraph-netzwerk.png"
    target = tmp_path / "bild.png"
    download.value.save_as(target)
    content = target.read_bytes()
    assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 2000


def test_whole_graph_settles_and_clusters_when_big(view):
    open_view(view, "/network")
    data = view.evaluate("() => JSON.parse(document.getElementById('graph-data').textContent)")
    count = len(data["nodes"])
    assert node_count(view) == count
    clusters = view.evaluate("""() => Object.keys(window.agNetwork.network.body.nodes)
        .filter(id => window.agNetwork.network.isCluster(id)).length""")
    assert (clusters > 0) == (count >= data["clusterThreshold"])
    assert inked_pixels(view) > 500
    accessible(view)


def test_funding_view(view):
    open_view(view, "/funding?weak=1", "#funding-view")
    assert node_count(view) > 1 and inked_pixels(view, "#funding-view") > 300
    button = view.locator("#funding-table .passage-button").first
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    view.locator("#funding-table blockquote.passage").first.wait_for()
    accessible(view)


def test_connection_finder_form(view):
    view.goto(view.base + "/paths")
    accessible(view)
    view.get_by_label("Von (Name oder Kurzname)").fill("BMWi")
    view.get_by_label("Nach (Name oder Kurzname)").fill("DStGB")
    view.get_by_role("button", name="Verbindung suchen").click()
    view.wait_for_selector("#paths-view" + STABLE, timeout=30_000)
    assert "from=BMWi" in view.url
    assert view.locator("ol.paths > li").count() >= 1
    assert node_count(view) >= 2
    assert view.locator("blockquote.passage").count() >= 1
    accessible(view)


def test_matrix_page(view):
    view.goto(view.base + "/matrix")
    assert view.locator("#laender-matrix tbody tr").count() == 16
    accessible(view)
    view.locator("#laender-matrix td a").first.click()
    view.locator("#liste li").first.wait_for()
    accessible(view)


def test_english_network_page(view):
    open_view(view, "/network?focus=digitale-doerfer&lang=en")
    assert view.locator("h1").text_content().startswith("Network")
    accessible(view)
