"""CSRF: every state-changing route of the URL map refuses a request without a valid token.

The sweep reads the URL map, so a route added later is covered without touching this file (if its
URL has an argument the sweep cannot fill, it fails and says where to add a value).
"""

from __future__ import annotations

import pytest

from tests.helpers import csrf_from
from tests.security.world import ROLES, STATE_CHANGING, is_signed_in, snapshot, start_quiz, urls

EXPIRED = "This form had expired or was sent twice"


def test_every_state_changing_route_refuses_a_missing_or_foreign_token(world):
    start_quiz(world)
    admin_token = csrf_from(world.clients["admin"].get("/admin/").get_data(as_text=True))
    before = snapshot(world.dbs)
    accepted, swept = [], set()
    for rule, url in urls(world, STATE_CHANGING):
        swept.add(rule.rule)
        for method in sorted(rule.methods & STATE_CHANGING):
            for role in ROLES:
                client = world.clients[role]
                form = {"choice": "1", "reason": "x", "code": world.code}
                without = client.open(url, method=method, data=form)
                if without.status_code != 400 or EXPIRED not in without.get_data(as_text=True):
                    accepted.append(
                        f"{method} {url} as {role} without a token: {without.status_code}"
                    )
                if role != "admin":  # a token from someone else's session
                    foreign = client.open(
                        url, method=method, data={**form, "csrf_token": admin_token}
                    )
                    if foreign.status_code != 400:
                        accepted.append(
                            f"{method} {url} as {role}, admin's token: {foreign.status_code}"
                        )
    assert not accepted, "\n".join(accepted)
    rules = {r.rule for r in world.app.url_map.iter_rules() if r.methods & STATE_CHANGING}
    assert swept == rules and len(rules) >= 10
    assert snapshot(world.dbs) == before, "a request without a valid token changed the database"
    assert all(is_signed_in(world, role) for role in ROLES)  # not even logout went through


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_every_method_flask_wtf_checks_is_checked(app, method):
    """The app's own CSRF hook (see quizapp.security.csrf) checks what Flask-WTF's would have: no
    route of the app takes these methods today, so one is added for the test."""

    @app.route("/test-csrf/other", methods=[method])
    def other() -> str:
        return "changed"

    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    refused = client.open("/test-csrf/other", method=method)
    assert refused.status_code == 400 and EXPIRED in refused.get_data(as_text=True)
    accepted = client.open("/test-csrf/other", method=method, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.get_data(as_text=True) == "changed"
