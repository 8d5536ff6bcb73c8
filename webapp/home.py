"""The start page (what the graph holds, the ready-made questions, a big search box) and one
page per ready-made question, ``/questions/<name>``, with pickers for its parameters."""
from __future__ import annotations

from flask import Blueprint, render_template

from graph import entities, queries
from graph.store import PREFIXES, iri

from . import get_store
from .api import named_query, query_values
from .i18n import current_language

bp = Blueprint("home", __name__)

#: A parameter whose class has more entities than this gets a text box with suggestions.
MAX_PICKER_OPTIONS = 400
#: Rows a question shows on its page (the API gives up to the store's row cap).
PAGE_ROWS = 1000
PICKER_QUERY = """SELECT ?cls ?x (SAMPLE(?de) AS ?label) (SAMPLE(?en) AS ?label_en) WHERE {
  ?x a ?cls .
  OPTIONAL { ?x rdfs:label|skos:prefLabel ?de FILTER(LANGMATCHES(LANG(?de), "de")) }
  OPTIONAL { ?x rdfs:label|skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
} GROUP BY ?cls ?x"""


@bp.get("/")
def index():
    return render_template("home/index.html", overview=entities.overview(get_store()),
                           questions=list(queries.catalogue().values()))


@bp.get("/questions/<name>")
def question(name: str):
    query = named_query(name)
    values = query_values()
    answer = None
    asked = values.pop("run", None) is not None
    if asked or all(p.optional for p in query.params):
        answer = queries.run(get_store(), query.name, values, row_cap=PAGE_ROWS)
    return render_template("home/question.html", query=query, values=values, answer=answer,
                           pickers={p.name: _picker(p) for p in query.params},
                           columns=_columns(answer) if answer else [])


def _picker(param: queries.Param) -> dict:
    """A select of the entities of the parameter's class, or a text box when there are many."""
    if param.kind != "iri" or not param.of_class:
        return {"kind": "text"}
    prefix, _, local = param.of_class.partition(":")
    if prefix not in PREFIXES:
        return {"kind": "text"}
    cls = PREFIXES[prefix] + local
    answer = get_store().query(PICKER_QUERY, bindings={"cls": iri(cls)},
                               row_cap=MAX_PICKER_OPTIONS)
    if answer.truncated:
        kind = local if cls.startswith(PREFIXES["ag"]) else ""
        return {"kind": "suggest", "class": kind}
    english = current_language() == "en"
    options = [(row["x"], (english and row.get("label_en")) or row.get("label") or row["x"])
               for row in answer.records()]
    return {"kind": "select", "options": sorted(options, key=lambda o: o[1].casefold())}


def _columns(answer) -> list[dict]:
    """The columns to show: a ``foo_label`` column is shown as the text of the ``foo`` link."""
    names = answer.variables
    shown = []
    for name in names:
        if name.endswith("_label") and name[: -len("_label")] in names:
            continue
        shown.append({"name": name, "label": name + "_label" if name + "_label" in names
                      else None})
    return shown
