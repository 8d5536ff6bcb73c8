"""The Flask viewer: a thin layer over :mod:`graph`.

``create_app(settings=None, store=None)`` builds the application; tests hand in a tiny store.
Each area of the viewer is one blueprint, registered from :data:`BLUEPRINTS`.
"""
from __future__ import annotations

import importlib
import secrets

from flask import Flask

from graph.settings import Settings
from graph.store import Store, open_store

from . import errors, i18n, security

#: module name under ``webapp`` -> URL prefix. Each module defines ``bp`` (a Blueprint).
BLUEPRINTS = {
    "home": "",
    "entities": "",
    "search": "",
    "network": "",
    "sparql": "",
    "api": "/api",
}


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_hex(32),
        MAX_CONTENT_LENGTH=1024 * 1024,  # queries and forms are small; refuse big bodies
        JSON_SORT_KEYS=False,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["akteursgraph.settings"] = settings
    app.extensions["akteursgraph.store"] = store or open_store(settings)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    for module, prefix in BLUEPRINTS.items():
        try:
            blueprint = importlib.import_module(f"webapp.{module}").bp
        except ModuleNotFoundError as missing:
            if missing.name != f"webapp.{module}":
                raise
            continue  # an area not written yet
        app.register_blueprint(blueprint, url_prefix=prefix or None)
    app.config["AG_ENDPOINTS"] = frozenset(app.view_functions)  # what the navigation may show
    return app


def get_store() -> Store:
    from flask import current_app

    return current_app.extensions["akteursgraph.store"]


def get_settings() -> Settings:
    from flask import current_app

    return current_app.extensions["akteursgraph.settings"]
