"""Browsing in headless Chromium: suggestions picked with the keyboard, a passage opened, hostile
labels shown as text, and axe-core on every page (no serious or critical violations)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from graph import queries
from tests.browser_support import axe_violations, describe

XSS = "<img src=x onerror=alert(1)>"
BMWI = "bundesministerium-fuer-wirtschaft-und-energie"


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


def test_pick_a_suggestion_with_the_keyboard_and_read_its_source(page, live_server, dialogs):
    page.goto(live_server + "/")
    accessible(page)
    box = page.locator("#home-q")
    box.press_sequentially("bmw", delay=40)
    listbox = page.locator("#home-q-listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("Bundesministerium für Wirtschaft und Energie")
    expect(first).to_contain_text("BMWi")
    accessible(page)  # with the suggestions open

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "home-q-listbox-0")
    expect(first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(f"**/id/{BMWI}")
    expect(page.locator("h1")).to_have_text("Bundesministerium für Wirtschaft und Energie")
    accessible(page)

    evidence = page.locator("details.evidence").first
    passage = evidence.locator("blockquote.passage").first
    expect(passage).to_be_hidden()
    evidence.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(passage).to_be_visible()
    expect(passage).not_to_be_empty()
    accessible(page)
    assert dialogs == []


def test_escape_closes_and_enter_without_a_choice_searches(page, live_server):
    page.goto(live_server + "/search")
    box = page.locator("#search-q")
    box.press_sequentially("dorfer", delay=40)
    listbox = page.locator("#search-q-listbox")
    expect(listbox).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")
    page.wait_for_url("**/search?q=dorfer*")
    expect(page.locator("ol.hits")).to_contain_text("Digitale Dörfer")
    accessible(page)


def test_all_passages_open_with_one_button(page, live_server):
    page.goto(f"{live_server}/id/baden-wuerttemberg")
    button = page.locator("#toggle-passages")
    expect(button).to_be_visible()
    button.click()
    closed = page.locator("details.evidence:not([open])")
    expect(closed).to_have_count(0)
    expect(button).to_have_attribute("aria-pressed", "true")
    accessible(page)


def test_hostile_labels_stay_text(page, live_server, dialogs):
    page.goto(f"{live_server}/id/xss-verein")
    expect(page.locator("h1")).to_have_text(XSS)
    page.locator("details.evidence summary").first.click()
    expect(page.locator("blockquote.passage").first).to_contain_text("<script>")
    accessible(page)

    page.goto(f"{live_server}/search?q=img")
    expect(page.locator("ol.hits")).to_contain_text(XSS)
    box = page.locator("#search-q")
    box.fill("")
    box.press_sequentially("<img", delay=40)
    option = page.locator("#search-q-listbox").get_by_role("option").first
    expect(option).to_contain_text(XSS)
    page.wait_for_timeout(300)  # time for an injected handler to fire, were there one
    assert page.locator("main img").count() == 0
    assert dialogs == []


def test_question_english_and_not_found_pages_are_accessible(page, live_server):
    for name, query in list(queries.catalogue().items())[:2]:
        page.goto(f"{live_server}/questions/{name}")
        expect(page.locator("h1")).to_have_text(query.title)
        accessible(page)
    page.goto(f"{live_server}/id/{BMWI}?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    accessible(page)
    response = page.goto(f"{live_server}/id/digitale-doerfe?lang=de")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("Digitale Dörfer")
    accessible(page)
