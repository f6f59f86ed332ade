"""XSS and template injection: hostile text in every field people type or upload (names, MRNs,
staff names, bank titles, topics, questions, choices, feedback, explanations, documents) and in
query strings is shown escaped on every page, for every role, at every stage of a quiz; exports are
not HTML and neutralise spreadsheet formulas. Nothing a patient typed or read reaches the logs.

The sweep reads the URL map, so pages added later are covered without touching this file.
"""

from __future__ import annotations

import logging

from tests.security import payloads
from tests.security.world import DRAFTS_SLUG, ROLES, World, start_quiz, urls

QUERY = {name: payloads.ALL for name in ("q", "next", "page", "status", "version", "action")}


def sweep(world: World, stage: str, roles, query: dict | None = None) -> dict[tuple, object]:
    """Open every GET route as each role; (stage, role, url) -> response."""
    seen = {}
    for _rule, url in urls(world, {"GET"}):
        if url.startswith("/static/"):
            continue
        for role in roles:
            response = world.clients[role].get(url, query_string=query)
            response.close()
            seen[(stage, role, url)] = response
    return seen


def problems_in(response) -> list[str]:
    """How a response could run or spread hostile text."""
    text = response.get_data(as_text=True)
    kind = response.mimetype
    if kind == "text/html":
        return payloads.unescaped(text)
    found = []
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        found.append(f"{kind} without nosniff")
    if kind == "text/csv":
        found += [f"formula cell {cell!r}" for cell in payloads.csv_formulas(text)]
        if "attachment" not in response.headers.get("Content-Disposition", ""):
            found.append("CSV shown inline")
    elif payloads.SECRET_LEAK(text):
        found.append("secret key")
    return found


def test_hostile_text_is_escaped_everywhere_and_never_logged(world, caplog):
    caplog.set_level(logging.DEBUG)
    patient = world.clients["patient"]
    seen = sweep(world, "before", ["patient"])
    start_quiz(world)
    seen |= sweep(world, "answered", ["patient"])
    assert world.clients["educator"].get(f"/admin/{payloads.IN_PATH}").status_code == 404
    world.finish_quiz()
    seen |= sweep(world, "done", ROLES)
    seen |= sweep(world, "query", ROLES, QUERY)
    assert patient.get(f"/learn/{world.assignment_id}/done").status_code == 200

    problems = {
        f"{stage} {role} GET {url} ({r.status_code})": found
        for (stage, role, url), r in seen.items()
        if (found := problems_in(r))
    }
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())

    shown = {
        url for (_stage, _role, url), r in seen.items() if payloads.ESCAPED in r.get_data(True)
    }
    a, q = f"/learn/{world.assignment_id}", world.question_id
    expected = {
        "/learn/",  # the patient's own name
        f"{a}/read/",
        f"{a}/read/{world.anchor}",  # the uploaded document
        f"{a}/round/1/q/2",  # question text and choices
        f"{a}/round/1/q/1/feedback",  # feedback, explanation, highlighted source
        f"{a}/round/1/summary",  # topic titles
        "/educator/",  # patient names and MRNs
        f"/educator/patients/{world.patient_id}",
        "/admin/banks",
        f"/admin/banks/{world.bank_slug}",
        f"/admin/questions/{q}",
        f"/admin/questions/{q}/preview",
        f"/admin/questions/{q}/history",
        f"/admin/staff/{world.colleague_id}",  # staff display name
        f"/admin/banks/{DRAFTS_SLUG}/drafts",  # questions drafted from the hostile document
    }
    assert not expected - shown, f"hostile text never shown (escaped) on {expected - shown}"
    assert len(shown) >= 20

    names = [p for p in payloads.PAYLOADS if len(p) > 12]
    logged = [r.getMessage() for r in caplog.records]
    leaks = [m for m in logged if any(name in m for name in names) or "Cold is used" in m]
    assert not leaks, leaks[:3]
