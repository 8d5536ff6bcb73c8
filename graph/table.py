"""A plain-text table of an answer, for the terminal."""
from __future__ import annotations

from .store import Answer

MAX_CELL = 60


def render(answer: Answer) -> str:
    if answer.form == "ask":
        return "yes" if answer.boolean else "no"
    if answer.form == "graph":
        rows = [[_cell(t) for t in triple] for triple in answer.triples]
        header = ["subject", "predicate", "object"]
    else:
        header = answer.variables
        rows = [[_cell(row.get(v)) for v in header] for row in answer.bindings]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''}"
                 f"{', cut at the row cap' if answer.truncated else ''})")
    return "\n".join(lines)


def _cell(term: dict | None) -> str:
    if term is None:
        return ""
    value = " ".join(term["value"].split())
    if term["type"] == "uri":
        from .validation import short

        value = short(value)
    return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"
