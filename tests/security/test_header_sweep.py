"""Every GET route, as every role, behind HTTPS: the security headers, no caching of anything but
static files, and a hostile ``next`` never sending anyone to another host.

The sweep reads the URL map, so pages added later are covered without touching this file.
"""

from __future__ import annotations

import pytest

from tests.security.world import ROLES, browser_host, start_quiz, urls

HOSTILE_NEXT = "https://evil.example/"
REFERRER_POLICIES = {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}


def header_problems(response, path: str) -> list[str]:
    """What is missing or wrong in one response's headers."""
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    problems = []
    if not csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"CSP {csp!r}")
    if "frame-ancestors 'none'" not in csp:
        problems.append("frame-ancestors")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if headers.get("Referrer-Policy") not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    if not headers.get("Strict-Transport-Security", "").startswith("max-age="):
        problems.append("HSTS")
    if not path.startswith("/static/") and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control {headers.get('Cache-Control')!r}")
    location = headers.get("Location")
    if location and browser_host(location) != "localhost":
        problems.append(f"redirects off our host to {location}")
    return problems


@pytest.mark.parametrize(
    "app_config", [{"QUIZAPP_RATELIMIT_ENABLED": False, "QUIZAPP_HTTPS": True}]
)
def test_every_page_for_every_role_has_the_headers_and_no_redirect_off_host(world):
    start_quiz(world)
    problems, seen = [], 0
    for _rule, url in urls(world, {"GET"}):
        for role in ROLES:
            response = world.clients[role].get(url, query_string={"next": HOSTILE_NEXT})
            seen += response.status_code == 200
            found = header_problems(response, url)
            response.close()
            if found:
                problems.append(f"GET {url} as {role} ({response.status_code}): {found}")
    assert not problems, "\n".join(problems)
    assert seen >= 30, "too few pages opened for the sweep to mean much"
