"""axe-core checks (bundled by axe-playwright-python) with readable failure messages."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_axe = Axe()
#: WCAG 2.0/2.1/2.2 A and AA rules, plus axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def assert_accessible(page: Page) -> None:
    """Fail with each violation's rule, impact and first offending element."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    violations = results.response["violations"]
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {v['nodes'][0]['target']}" for v in violations
    ]
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def assert_no_horizontal_scroll(page: Page) -> None:
    """Nothing is wider than the viewport."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
