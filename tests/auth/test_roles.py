"""Role denial: each audience reaches only its own pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.models import AuditEvent


@pytest.mark.parametrize("path", ["/admin/", "/educator/", "/account/password"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_anonymous_visitor_to_a_patient_page_is_sent_to_the_code_page(client):
    response = client.get("/learn/")
    assert response.headers["Location"] == "/start"


def test_educator_cannot_open_admin_pages_and_the_denial_is_audited(client, make_user, login, dbs):
    educator = make_user("educator")
    login(client, educator)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "You cannot open this page" in response.get_data(as_text=True)
    denied = dbs.scalars(sa.select(AuditEvent).where(AuditEvent.action == "access.denied")).all()
    assert [(e.actor_user_id, e.outcome) for e in denied] == [(educator.id, "403")]


def test_admin_sees_all_patients_but_only_educators_enrol(client, make_user, login):
    login(client, make_user("admin"))
    assert "All patients" in client.get("/educator/").get_data(as_text=True)
    assert client.get("/educator/patients/new").status_code == 403


def test_patient_cannot_open_staff_pages(client, make_patient, issue_code, enter_code):
    enter_code(client, issue_code(make_patient()))
    for path in ("/educator/", "/admin/", "/account/password"):
        assert client.get(path).status_code == 403, path


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
