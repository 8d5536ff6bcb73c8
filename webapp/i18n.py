"""German first, English on request: ``{{ _("Suche") }}`` in templates.

German text is the key. English translations live in ``translations/*.json`` (one file per area
of the viewer, merged at start); a missing translation shows the German text. The language is
chosen with ``?lang=en|de`` and kept in a cookie.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from urllib.parse import urlencode

from flask import Flask, g, request

LANGUAGES = ("de", "en")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


@lru_cache(maxsize=1)
def english() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(TRANSLATIONS.glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def current_language() -> str:
    return getattr(g, "lang", "de")


def translate(text: str, **values) -> str:
    out = english().get(text, text) if current_language() == "en" else text
    return out.format(**values) if values else out


def pick_label(labels: dict[str, str], fallback: str = "") -> str:
    """The label in the current language, else German, else any."""
    lang = current_language()
    return labels.get(lang) or labels.get("de") or next(iter(labels.values()), fallback)


def switch_language_url(lang: str) -> str:
    """The current page in another language, keeping every other query parameter."""
    params = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode(params + [("lang", lang)])


def init_app(app: Flask) -> None:
    @app.before_request
    def choose_language():
        wanted = request.args.get("lang") or request.cookies.get("lang") or "de"
        g.lang = wanted if wanted in LANGUAGES else "de"

    @app.after_request
    def remember_language(response):
        if request.args.get("lang") in LANGUAGES:
            response.set_cookie("lang", g.lang, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    app.jinja_env.globals.update(_=translate, current_language=current_language,
                                 switch_language_url=switch_language_url)
