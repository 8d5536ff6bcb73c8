"""Searching the seed data through the viewer: suggestions (/api/search) and the search page,
which works without JavaScript."""
from __future__ import annotations

import pytest

from tests.webapp.test_pages import XSS, get_page

BMWI = "bundesministerium-fuer-wirtschaft-und-energie"


def suggestions(client, text: str, **params) -> list[dict]:
    response = client.get("/api/search", query_string={"q": text, "limit": 8, **params})
    assert response.status_code == 200
    return response.get_json()["hits"]


@pytest.mark.parametrize("typed", ["dorfer", "Dörfer", "doerfer", "digitale dö"])
def test_umlauts_may_be_typed_any_way(client, typed):
    assert "digitale-doerfer" in [hit["slug"] for hit in suggestions(client, typed)]


@pytest.mark.parametrize("typed", ["Baden-Wurttemberg", "baden-wuerttemberg", "Baden-Württemberg",
                                   "DE-BW"])
def test_land_comes_first_in_any_spelling(client, typed):
    first = suggestions(client, typed)[0]
    assert (first["slug"], first["kind"], first["kind_label"]) == (
        "baden-wuerttemberg", "State", "Land")


@pytest.mark.parametrize("abbreviation, slug", [("BMWi", BMWI), ("bmwi", BMWI),
                                                ("DStGB", "deutscher-staedte-und-gemeindebund")])
def test_abbreviations_find_their_entity(client, abbreviation, slug):
    first = suggestions(client, abbreviation)[0]
    assert first["slug"] == slug
    assert first["matched_alt_label"].casefold() == abbreviation.casefold()
    assert first["url"] == f"/id/{slug}"


def test_prefixes_suggest_as_you_type(client):
    for typed in ("Ba", "Bad", "Baden-W"):
        assert "baden-wuerttemberg" in [hit["slug"] for hit in suggestions(client, typed)]


def test_suggestions_carry_the_land(client, seed_store):
    hits = suggestions(client, "Digitale Dörfer")
    (land,) = seed_store.query("""SELECT ?label WHERE { id:digitale-doerfer ag:inState ?l .
        ?l rdfs:label ?label FILTER(LANG(?label) = "de") }""").records()
    assert hits[0]["slug"] == "digitale-doerfer" and hits[0]["land"] == land["label"]


def test_suggestions_filter_by_kind_and_land(client):
    states = suggestions(client, "s", kind="State")
    assert states and all(hit["kind"] == "State" for hit in states)
    in_bw = suggestions(client, "a", land="DE-BW")
    assert in_bw and all(hit["land"] == "Baden-Württemberg" for hit in in_bw)


def test_hostile_label_in_suggestions_is_inert_json(client):
    response = client.get("/api/search?q=img+src")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    raw = response.get_data(as_text=True)
    assert "<img" not in raw and "\\u003cimg src=x onerror=alert(1)\\u003e" in raw
    assert response.get_json()["hits"][0]["label"] == XSS


def test_search_page_lists_results_without_javascript(client):
    body, page = get_page(client, "/search?q=dorfer")
    results = page.find("ol", class_="hits")[0]["text"]
    assert "Digitale Dörfer" in results and "Projekt" in results
    assert 'href="/id/digitale-doerfer"' in body
    assert page.by_id("search-q")["attrs"]["value"] == "dorfer"


def test_search_page_filters_are_selects(client):
    _, page = get_page(client, "/search?kind=State")
    kinds = page.by_id("search-kind")
    lands = page.by_id("search-land")
    assert kinds["tag"] == "select" and lands["tag"] == "select"
    selected = [o for o in page.find("option") if "selected" in o["attrs"]]
    assert [o["attrs"]["value"] for o in selected] == ["State"]
    assert len(page.find("ol", class_="hits")[0]["text"].split("Land")) - 1 >= 16
    land_options = [o["attrs"]["value"] for o in page.find("option")
                    if o["attrs"].get("value") in ("baden-wuerttemberg", "bayern")]
    assert land_options == ["baden-wuerttemberg", "bayern"]


def test_search_page_filters_by_land(client):
    body, page = get_page(client, "/search?q=&land=baden-wuerttemberg")
    entries = page.find("li")
    hits = [e for e in entries if "hit-land" in e["text"] or "Baden-Württemberg" in e["text"]]
    assert hits
    assert body.count('class="hit-land"') == body.count('class="hit-land">Baden-Württemberg<')


def test_search_page_in_english(client):
    _, page = get_page(client, "/search?q=dorfer&lang=en")
    assert page.text("h1") == ["Search"]
    assert "project" in page.find("ol", class_="hits")[0]["text"]


def test_hostile_label_is_escaped_on_the_search_page(client):
    body, page = get_page(client, "/search?q=img")
    assert XSS not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert XSS in page.find("ol", class_="hits")[0]["text"]


def test_empty_search_asks_for_a_term(client):
    body, page = get_page(client, "/search")
    assert not page.find("ol", class_="hits")
    assert "Geben Sie einen Suchbegriff ein" in body


def test_nothing_found(client):
    body, _ = get_page(client, "/search?q=qqqxxyzzy")
    assert "Nichts gefunden." in body
