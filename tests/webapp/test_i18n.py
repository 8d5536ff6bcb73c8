"""The language switch: German first, English on request, the page's parameters kept."""
import html


def test_switch_keeps_the_search_text(client):
    page = client.get("/search?q=D%C3%B6rfer&kind=Project").get_data(as_text=True)
    link = html.unescape(page.split('hreflang="en"')[0].rsplit('href="', 1)[1].split('"')[0])
    assert "q=D%C3%B6rfer" in link and "kind=Project" in link and link.endswith("lang=en")


def test_english_is_remembered_in_a_cookie(client):
    english = client.get("/?lang=en")
    assert 'lang="en"' in english.get_data(as_text=True)
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    assert 'lang="de"' in client.get("/?lang=de").get_data(as_text=True)
