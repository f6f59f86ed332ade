"""The audit log: newest first, filters, pages, CSV export, and reading it is audited too."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from quizapp.models import AuditEvent
from tests.admin.pages import error_beside

DAY = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def actions(html: str) -> list[str]:
    """The actions listed on an audit page, top to bottom."""
    return re.findall(r"<td><code>([^<]+)</code></td>", html)


@pytest.fixture
def events(dbs, admin, make_user):
    """A small log: a nurse reading patients' results, a patient signing in, a failed login."""
    nurse = make_user("educator", email="nurse@example.org")
    rows = [
        AuditEvent(
            at=DAY,
            actor_user_id=nurse.id,
            patient_id=7,
            action="patient.summary.view",
            target="patient:7",
            ip="10.0.0.1",
        ),
        AuditEvent(
            at=DAY + dt.timedelta(days=1),
            actor_patient_id=7,
            action="patient.login",
            target="patient:7",
            ip="10.0.0.2",
        ),
        AuditEvent(
            at=DAY + dt.timedelta(days=2),
            action="auth.login",
            target='=HYPERLINK("http://x")',
            outcome="failed",
            ip="@10.0.0.3",
        ),
        AuditEvent(
            at=DAY + dt.timedelta(days=3),
            actor_user_id=nurse.id,
            patient_id=8,
            action="patient.fhir.export",
            target="patient:8",
        ),
    ]
    dbs.add_all(rows)
    dbs.commit()
    return rows


def test_newest_first_with_who_and_what(admin_client, events):
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    # The admin's own sign-in came last of all; this page view is recorded after the read.
    assert actions(html) == [
        "auth.login",
        "patient.fhir.export",
        "auth.login",
        "patient.login",
        "patient.summary.view",
    ]
    page = text(html)
    assert "2026-03-13 09:30:00 nurse@example.org patient.fhir.export 8 patient:8 ok" in page
    assert "2026-03-11 09:30:00 patient 7 patient.login — patient:7 ok 10.0.0.2" in page
    assert "nobody signed in auth.login" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("actor=nurse", ["patient.fhir.export", "patient.summary.view"]),
        ("actor=NURSE%40example.org", ["patient.fhir.export", "patient.summary.view"]),
        ("patient=7", ["patient.login", "patient.summary.view"]),
        ("action=patient.login", ["patient.login"]),
        ("action=patient.", ["patient.fhir.export", "patient.login", "patient.summary.view"]),
        ("action=patient", ["patient.fhir.export", "patient.login", "patient.summary.view"]),
        ("start=2026-03-11&end=2026-03-12", ["auth.login", "patient.login"]),
        ("end=2026-03-10", ["patient.summary.view"]),
        ("actor=nurse&patient=8", ["patient.fhir.export"]),
        ("actor=nobody%25", []),
    ],
)
def test_filters(admin_client, events, query, expected):
    html = admin_client.get(f"/admin/audit?{query}").get_data(as_text=True)
    assert actions(html) == expected
    assert f"{len(expected)} event" in text(html)


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("start=10/03/2026", "start", "Enter the date as year-month-day"),
        ("start=2026-03-12&end=2026-03-11", "end", "The end date is before the start date."),
        ("patient=abc", "patient", "Enter a patient id: a whole number"),
        ("patient=0", "patient", "Enter a patient id, such as 42."),
    ],
)
def test_bad_filters_are_shown_beside_the_field(admin_client, events, query, field, message):
    response = admin_client.get(f"/admin/audit?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in error_beside(html, field)
    assert actions(html) == []  # nothing listed until the filters make sense


def test_pages_of_fifty_keep_the_filters(admin_client, dbs, admin):
    dbs.add_all(
        AuditEvent(at=DAY + dt.timedelta(minutes=n), action="bank.import", target=f"bank:{n}")
        for n in range(60)
    )
    dbs.commit()
    first = admin_client.get("/admin/audit?action=bank.import").get_data(as_text=True)
    assert "60 events match" in text(first) and "page 1 of 2" in first
    assert "bank:59" in first and "bank:10" in first and "bank:9<" not in first
    assert 'href="/admin/audit?action=bank.import&amp;page=2"' in first
    second = admin_client.get("/admin/audit?action=bank.import&page=2").get_data(as_text=True)
    assert "bank:9<" in second and "bank:0<" in second and "Previous page" in second
    assert admin_client.get("/admin/audit?page=99").status_code == 200


def get_csv(client, url: str):
    """The export, read to the end and closed as a browser would (it is streamed)."""
    return client.get(url, buffered=True)


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_export_has_the_filtered_rows_newest_first(admin_client, events):
    response = get_csv(admin_client, "/admin/audit.csv?actor=nurse")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert [(r["action"], r["patient_id"], r["actor_email"]) for r in rows] == [
        ("patient.fhir.export", "8", "nurse@example.org"),
        ("patient.summary.view", "7", "nurse@example.org"),
    ]
    assert rows[1]["at_utc"] == "2026-03-10 09:30:00"


def test_csv_neutralises_spreadsheet_formulas(admin_client, events):
    url = "/admin/audit.csv?action=auth.login&start=2026-03-12&end=2026-03-12"
    rows = read_csv(get_csv(admin_client, url))
    assert [(r["target"], r["ip"], r["outcome"]) for r in rows] == [
        ('\'=HYPERLINK("http://x")', "'@10.0.0.3", "failed")
    ]


def test_csv_with_bad_filters_shows_the_page_with_the_error(admin_client, events):
    response = get_csv(admin_client, "/admin/audit.csv?start=soon")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "year-month-day" in error_beside(response.get_data(as_text=True), "start")


def test_reading_and_exporting_the_log_are_audited(admin_client, admin, events, dbs):
    admin_client.get("/admin/audit?patient=7&page=1")
    get_csv(admin_client, "/admin/audit.csv?patient=7")
    rows = dbs.execute(
        sa.select(AuditEvent.action, AuditEvent.actor_user_id, AuditEvent.patient_id)
        .where(AuditEvent.action.startswith("audit."))
        .order_by(AuditEvent.id)
    ).all()
    assert rows == [("audit.view", admin.id, 7), ("audit.export", admin.id, 7)]
    listed = admin_client.get("/admin/audit?action=audit.").get_data(as_text=True)
    assert actions(listed) == ["audit.export", "audit.view"]  # this view is recorded after
