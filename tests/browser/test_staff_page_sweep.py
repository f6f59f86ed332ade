"""Every staff page without URL arguments, as an administrator and as an educator: no axe
violations. New pages are swept automatically (the list comes from the URL map)."""

from __future__ import annotations

import pytest

from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser
STAFF_PREFIXES = ("/admin", "/educator", "/account")


def staff_pages(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and rule.rule.startswith(STAFF_PREFIXES)
        and not rule.rule.endswith(".csv")  # downloads, not pages
    )


@pytest.mark.parametrize("role", ["admin", "educator"])
def test_every_staff_page_has_no_axe_violations(
    app, page, live_server, make_user, bundled_bank, role
):
    user = make_user(role)
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    checked = []
    for path in staff_pages(app):
        response = page.goto(live_server + path)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue  # another role's page (403), or a download
        assert_accessible(page)
        checked.append(path)
    expected = {"admin": "/admin/", "educator": "/educator/patients/new"}[role]
    assert expected in checked and "/account/password" in checked, checked
