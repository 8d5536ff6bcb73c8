"""Refuses, before any engine sees it, a query the store must never run.

pyoxigraph follows ``SERVICE`` IRIs over HTTP with no switch to turn that off, and rdflib does
too, also when the keyword is written with SPARQL escapes — so no text filter can stop it. The
query is parsed with rdflib's SPARQL grammar (which decodes escapes) and its parse tree is
searched for a SERVICE pattern. Updates are refused here too: the query path is read-only.
"""
from __future__ import annotations

import threading
from functools import lru_cache

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from .errors import QueryRefused, QuerySyntaxError

#: rdflib's grammar is pyparsing, whose parse actions learn their arity on first use without a
#: lock (pyparsing 3.3 ``_trim_arity``): two threads parsing at once can fail with a TypeError
#: (measured: 2 of 400 /sparql requests from 16 clients on a cold server). One parse at a time.
_PARSING = threading.Lock()


def check_query(text: str, *, max_bytes: int) -> None:
    """Raises :class:`QueryRefused` or :class:`QuerySyntaxError`; returns None for a safe query."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise QueryRefused(f"the query is longer than {max_bytes:,} bytes",
                           hint="shorten it, or raise AKTEURSGRAPH_MAX_QUERY_BYTES")
    if not text.strip():
        raise QuerySyntaxError("the query is empty", line=1, column=1,
                               hint="write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    _check(text)


@lru_cache(maxsize=1024)
def _check(text: str) -> None:
    try:
        with _PARSING:
            tree = parseQuery(text)
    except ParseException as error:
        if _is_update(text):
            raise QueryRefused("this endpoint is read-only: SPARQL updates are refused",
                               hint="change the data under data/ and rebuild") from None
        if _may_hide_service(text):
            raise QuerySyntaxError(f"syntax error: {error.msg}", line=error.lineno,
                                   column=error.col, hint="correct the query at that position"
                                   ) from None
        return  # rdflib's grammar is stricter in places; the engine reports real errors
    except RecursionError:
        raise QueryRefused("the query is nested too deeply to be run safely",
                           hint="flatten nested groups and parentheses") from None
    if _has_service(tree):
        raise QueryRefused("SERVICE (federated query) is not allowed here: the store never "
                           "calls other hosts", hint="query the other endpoint directly")


def _is_update(text: str) -> bool:
    try:
        with _PARSING:
            parsed = parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    # An empty text (or a bare prologue) is a valid update of no operations: not an update.
    return any(hasattr(operation, "name") for operation in parsed.get("request") or ())


def _may_hide_service(text: str) -> bool:
    lowered = text.lower()
    return "service" in lowered or "\\u" in lowered


def _has_service(tree) -> bool:
    stack = [tree]
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(node)
    return False
