"""One error shape for every failure.

JSON (``/api/…``, ``/sparql`` and requests that prefer JSON)::

    {"error": {"status": 404, "code": "not_found", "message": "…", "hint": "…"}}

and an HTML page with the same content for people. Only expected failures (StoreError and
its kin, HTTP errors) show their message; anything else is logged and shown as a generic 500.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from graph.queries import ParameterError
from graph.store import QuerySyntaxError, StoreError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.status, self.code, self.message, self.hint = status, code, message, hint


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/sparql")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, code: str, message: str, hint: str = "", **extra):
    body = {"status": status, "code": code, "message": message, "hint": hint, **extra}
    if wants_json():
        return jsonify(error=body), status
    return render_template("layout/error.html", error=body), status


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error.status, error.code, error.message, error.hint)

    @app.errorhandler(StoreError)
    def store_error(error: StoreError):
        extra = {}
        if isinstance(error, QuerySyntaxError):
            extra = {"line": error.line, "column": error.column}
        return error_response(error.status, error.code, error.message, error.hint, **extra)

    @app.errorhandler(ParameterError)
    def parameter_error(error: ParameterError):
        return error_response(400, "bad_parameter", str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        return error_response(error.code or 500, code, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error")
        return error_response(500, "internal_error", "Ein unerwarteter Fehler ist aufgetreten.",
                              "Please report what you did; the log has the details.")
