"""Browser-test helpers: accessibility checks with axe-core (vendored from npm, MPL-2.0)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


@lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, *, impacts=SERIOUS) -> list[dict]:
    """Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page; returns the violations of the
    given impacts, each with its rule id, help text and the offending elements.

    The script is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not govern, so the page keeps its real CSP during the test.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("() => { " + _axe_source() + "\n}")
    results = page.evaluate("""async () => {
        const r = await window.axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    return [v for v in results if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} — {v['help']} at {v['nodes']}"
                     for v in violations)
