"""Staff accounts: create, deactivate, reset password, change role; fresh sign-in; who may."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quizapp.models import AuditEvent, User
from quizapp.operations import users as user_ops
from quizapp.security import sessions
from tests.admin.pages import error_beside
from tests.conftest import PASSWORD
from tests.helpers import csrf_from, post_form

NEW_PASSWORD = "a fresh spring morning"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def audited(dbs, action: str, outcome: str = "ok") -> list[AuditEvent]:
    return list(
        dbs.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.outcome == outcome)
        )
    )


@pytest.fixture
def educator(make_user):
    return make_user("educator", email="nurse@example.org")


@pytest.fixture
def educator_browser(app, educator, login):
    """The educator, signed in on a browser of their own."""
    browser = app.test_client()
    assert login(browser, educator).status_code == 302
    assert browser.get("/educator/").status_code == 200
    return browser


def post(client, url: str, data: dict, page: str):
    return post_form(client, url, data, page=page)


def test_the_list_shows_every_account_with_role_and_state(admin_client, educator, dbs):
    educator.is_active = False
    dbs.add(educator)
    dbs.commit()
    page = text(admin_client.get("/admin/staff").get_data(as_text=True))
    assert "2 staff accounts" in page
    assert "admin@example.org (you) Admin Tester administrator Active" in page
    assert "nurse@example.org Educator Tester educator Deactivated never" in page


def test_create_an_account_that_can_sign_in(app, admin_client, dbs, login):
    response = post(
        admin_client,
        "/admin/staff/new",
        {
            "email": " New.Nurse@Example.org ",
            "display_name": "New Nurse",
            "role": "educator",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
        "/admin/staff/new",
    )
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Account created for new.nurse@example.org" in page
    user = user_ops.find_by_email(dbs, "new.nurse@example.org")
    assert (user.display_name, user.role, user.is_active) == ("New Nurse", "educator", True)
    assert [e.target for e in audited(dbs, "staff.create")] == [f"user:{user.id} role:educator"]
    browser = app.test_client()
    assert login(browser, user, password=NEW_PASSWORD).headers["Location"] == "/educator/"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"email": "not an address"}, "email", "not a valid email address"),
        (
            {"email": "admin@example.org"},
            "email",
            "An account for admin@example.org already exists",
        ),
        ({"email": ""}, "email", "Enter their email address."),
        ({"password": "short one", "confirm": "short one"}, "password", "at least 12"),
        (
            {"password": "kim.lee-password", "confirm": "kim.lee-password"},
            "password",
            "Do not use your email address",
        ),
        (
            {"password": "password1234", "confirm": "password1234"},
            "password",
            "too easy to guess",
        ),
        ({"confirm": "something else entirely"}, "confirm", "The two passwords differ."),
        ({"role": "superuser"}, "role", "Not a valid choice"),
    ],
)
def test_create_errors_are_shown_beside_the_field(admin_client, dbs, change, field, message):
    data = {
        "email": "kim.lee@example.org",
        "display_name": "",
        "role": "educator",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        **change,
    }
    response = post(admin_client, "/admin/staff/new", data, "/admin/staff/new")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in error_beside(html, field)
    assert "The account was not created" in html
    assert dbs.scalar(sa.select(sa.func.count(User.id))) == 1


def test_deactivate_ends_their_session_and_stops_sign_in_then_reactivate(
    app, admin_client, educator, educator_browser, dbs, login
):
    page = f"/admin/staff/{educator.id}"
    response = post(admin_client, f"{page}/deactivate", {}, page)
    assert response.status_code == 302
    assert "is deactivated and signed out" in admin_client.get(page).get_data(as_text=True)
    dbs.refresh(educator)
    assert educator.is_active is False
    assert educator_browser.get("/educator/").headers["Location"].startswith("/login")
    assert login(app.test_client(), educator).status_code == 422
    assert [e.target for e in audited(dbs, "staff.deactivate")] == [f"user:{educator.id}"]

    assert post(admin_client, f"{page}/reactivate", {}, page).status_code == 302
    assert login(app.test_client(), educator).status_code == 302
    assert len(audited(dbs, "staff.reactivate")) == 1


def test_reset_password_signs_them_out_and_only_the_new_one_works(
    app, admin_client, educator, educator_browser, dbs, login
):
    page = f"/admin/staff/{educator.id}"
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post(admin_client, f"{page}/password", data, page).status_code == 302
    assert "New password set for nurse@example.org" in admin_client.get(page).get_data(as_text=True)
    assert educator_browser.get("/educator/").status_code == 302
    assert login(app.test_client(), educator).status_code == 422
    assert login(app.test_client(), educator, password=NEW_PASSWORD).status_code == 302
    assert len(audited(dbs, "staff.password_reset")) == 1


def test_reset_password_error_is_shown_beside_the_field(admin_client, educator, dbs):
    page = f"/admin/staff/{educator.id}"
    response = post(admin_client, f"{page}/password", {"password": "x", "confirm": "x"}, page)
    assert response.status_code == 422
    assert "at least 12" in error_beside(response.get_data(as_text=True), "password")
    dbs.refresh(educator)
    assert user_ops.authenticate(dbs, educator.email, PASSWORD) is not None


def test_change_role_signs_them_out_and_they_come_back_with_the_new_role(
    app, admin_client, educator, educator_browser, dbs, login
):
    page = f"/admin/staff/{educator.id}"
    assert post(admin_client, f"{page}/role", {"role": "admin"}, page).status_code == 302
    assert "is now an administrator" in admin_client.get(page).get_data(as_text=True)
    assert educator_browser.get("/educator/").status_code == 302  # signed out
    assert login(app.test_client(), educator).headers["Location"] == "/admin/"
    assert [e.target for e in audited(dbs, "staff.role_change")] == [
        f"user:{educator.id} role:admin"
    ]


def test_the_same_role_again_changes_nothing(admin_client, educator, educator_browser, dbs):
    page = f"/admin/staff/{educator.id}"
    post(admin_client, f"{page}/role", {"role": "educator"}, page)
    assert "already has that role" in admin_client.get(page).get_data(as_text=True)
    assert educator_browser.get("/educator/").status_code == 200
    assert audited(dbs, "staff.role_change") == []


@pytest.mark.parametrize(
    "action, data, message, audit_action",
    [
        ("deactivate", {}, "You cannot deactivate your own account.", "staff.deactivate"),
        ("role", {"role": "educator"}, "You cannot change your own role.", "staff.role_change"),
        (
            "password",
            {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            "Change your own password on the Password page.",
            "staff.password_reset",
        ),
    ],
)
def test_an_admin_cannot_deactivate_demote_or_reset_themselves(
    admin_client, admin, dbs, action, data, message, audit_action
):
    page = f"/admin/staff/{admin.id}"
    response = post(admin_client, f"{page}/{action}", data, page)
    assert response.status_code == 422
    assert message in text(response.get_data(as_text=True))
    dbs.refresh(admin)
    assert (admin.role, admin.is_active) == ("admin", True)
    assert user_ops.authenticate(dbs, admin.email, PASSWORD) is not None
    assert admin_client.get("/admin/").status_code == 200  # still signed in
    assert [e.target for e in audited(dbs, audit_action, "refused")] == [f"user:{admin.id}"]


def test_the_own_account_page_offers_no_buttons_against_oneself(admin_client, admin):
    page = admin_client.get(f"/admin/staff/{admin.id}").get_data(as_text=True)
    assert "This is your own account" in page
    assert "/deactivate" not in page and "/role" not in page


def test_the_last_active_admin_is_kept(dbs, admin, educator):
    with pytest.raises(user_ops.AccountError, match="last active administrator"):
        user_ops.deactivate(dbs, educator, admin)
    with pytest.raises(user_ops.AccountError, match="last active administrator"):
        user_ops.change_role(dbs, educator, admin, "educator")
    dbs.rollback()
    second = user_ops.create_user(dbs, "second@example.org", "admin", NEW_PASSWORD)
    user_ops.deactivate(dbs, educator, admin)  # another active admin remains
    with pytest.raises(user_ops.AccountError, match="last active administrator"):
        user_ops.change_role(dbs, educator, second, "educator")


def test_an_unknown_account_is_a_friendly_404(admin_client):
    response = admin_client.get("/admin/staff/9999")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


# Fresh sign-in -----------------------------------------------------------------------------


@pytest.fixture
def six_minutes_later(monkeypatch):
    """Move the clock on past the five minutes a sign-in stays fresh."""
    now = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + 6 * 60)


def test_an_old_sign_in_is_asked_to_sign_in_again_and_comes_back(
    admin_client, admin, login, six_minutes_later
):
    assert admin_client.get("/admin/staff").status_code == 200  # the list needs no fresh sign-in
    response = admin_client.get("/admin/staff/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/staff/new"
    login_page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "please sign in again to manage staff accounts" in login_page
    back = login(admin_client, admin, next="/admin/staff/new")
    assert back.headers["Location"] == "/admin/staff/new"
    assert "Add a staff account" in admin_client.get("/admin/staff/new").get_data(as_text=True)


def test_a_change_sent_from_an_old_sign_in_is_not_made(
    admin_client, educator, educator_browser, dbs, six_minutes_later
):
    page = f"/admin/staff/{educator.id}"
    token = csrf_from(admin_client.get("/admin/staff").get_data(as_text=True))
    response = admin_client.post(
        f"{page}/deactivate",
        data={"csrf_token": token},
        headers={"Referer": f"http://localhost{page}"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={page}"
    dbs.refresh(educator)
    assert educator.is_active is True
    assert educator_browser.get("/educator/").status_code == 200


def test_a_fresh_sign_in_is_not_asked_again(admin_client):
    assert admin_client.get("/admin/staff/new").status_code == 200


# Who may ----------------------------------------------------------------------------------

MY_ENDPOINTS = {
    "admin.staff",
    "admin.staff_new",
    "admin.staff_detail",
    "admin.staff_role",
    "admin.staff_password",
    "admin.staff_deactivate",
    "admin.staff_reactivate",
    "admin.audit_log",
    "admin.audit_csv",
    "admin.stats_banks",
    "admin.bank_stats",
}


def my_routes(app, user_id: int):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in MY_ENDPOINTS:
            path = rule.rule.replace("<int:user_id>", str(user_id)).replace("<slug>", "freezing")
            for method in sorted(rule.methods & {"GET", "POST"}):
                yield rule.endpoint, method, path


def test_every_page_is_swept(app):
    assert {endpoint for endpoint, _method, _path in my_routes(app, 1)} == MY_ENDPOINTS


def test_an_educator_gets_403_on_every_page(app, educator, educator_browser, admin, bank, dbs):
    token = csrf_from(educator_browser.get("/educator/").get_data(as_text=True))
    for _endpoint, method, path in my_routes(app, admin.id):
        response = educator_browser.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 403, f"{method} {path}"
    dbs.refresh(admin)
    assert admin.is_active


def test_a_visitor_is_sent_to_sign_in(app, client, admin):
    for _endpoint, method, path in my_routes(app, admin.id):
        if method == "GET":
            response = client.get(path)
            assert response.status_code == 302 and "/login" in response.headers["Location"]
