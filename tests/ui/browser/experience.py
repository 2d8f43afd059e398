"""Helpers of the creator-experience journeys: window sizes, axe-core in the page, page facts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
"""axe-core 4.14.1 (MPL-2.0, Deque Systems), vendored with its licence header."""

SIZES: dict[str, dict[str, int]] = {
    "desktop": {"width": 1440, "height": 900},
    "phone": {"width": 390, "height": 844},
}
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

RECORD_NOTIFICATIONS_JS = """
window.__notifications = [];
window.Notification = class {
  constructor(title, options) { window.__notifications.push([title, options && options.body]); }
  static get permission() { return 'granted'; }
  static requestPermission() { return Promise.resolve('granted'); }
};
"""
"""Stands in for the browser's notifications (headless Chromium shows none) and records them."""


def axe_violations(page: Page, out: Path) -> list[dict[str, Any]]:
    """Run axe-core in the page; every violation is written to `out`, the serious and
    critical ones are returned."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}); return r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.slice(0, 8).map(n => ({target: n.target, summary:"
        " n.failureSummary}))})); }",
        AXE_TAGS,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return [item for item in result if item["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """The violations in a few readable lines for an assertion message."""
    return "\n".join(
        f"{item['impact']} {item['id']}: {item['help']} -> {item['nodes'][:3]}"
        for item in violations
    )


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: nothing to scroll sideways)."""
    width: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width
