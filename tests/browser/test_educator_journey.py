"""The educator's journey in Chromium: enrol, print the slip, watch the status change, print the
summary; axe on every educator page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import screenshot
from tests.browser.patient_steps import answer_by_keyboard, enter_code_by_keyboard, press

pytestmark = pytest.mark.browser


def sign_in(page, base, user):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/educator/")


def test_enrol_print_slip_watch_status_and_print_the_summary(
    browser, page, live_server, make_user, bundled_bank, dbs
):
    educator = make_user("educator")
    sign_in(page, live_server, educator)
    assert_accessible(page)
    page.get_by_role("link", name="Add a patient").click()
    assert_accessible(page)
    page.get_by_label("Patient's name (as you will say it)").fill("Walter Smith")
    page.get_by_label("Consult date (optional)").fill(
        (dt.date.today() + dt.timedelta(days=5)).isoformat()
    )
    page.get_by_label("Questions per topic in each round").fill("1")
    page.get_by_label("Most rounds allowed").fill("1")
    page.get_by_role("button", name="Add and print the access slip").click()
    code = page.locator(".code-big").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert_accessible(page)
    page.emulate_media(media="print")
    screenshot(page, "educator-slip-print")
    expect(page.locator("header.site")).to_be_hidden()
    page.emulate_media(media="screen")

    page.goto(live_server + "/educator/")
    expect(page.locator("td .status")).to_have_text("Not started")

    patient_context = browser.new_context()
    patient = patient_context.new_page()
    enter_code_by_keyboard(patient, live_server, code)
    press(patient, "Answer the questions")
    press(patient, "Start the questions")
    answer_by_keyboard(patient, dbs, right=False)
    while patient.get_by_role("link", name="Next question").count():
        press(patient, "Next question")
        answer_by_keyboard(patient, dbs, right=True)
    press(patient, "See how you did")
    patient_context.close()

    page.reload()
    expect(page.locator("td .status")).to_have_text("Needs discussion")
    screenshot(page, "educator-dashboard")
    assert_accessible(page)
    page.get_by_role("link", name="Walter Smith").click()
    expect(page.get_by_role("heading", name="Talk about")).to_be_visible()
    expect(page.get_by_role("button", name="Print this summary")).to_be_visible()  # shown by JS
    assert_accessible(page)
    screenshot(page, "educator-summary")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"the summary prints on {pages} pages"


def test_enrolment_errors_are_accessible(page, live_server, make_user, bundled_bank):
    sign_in(page, live_server, make_user("educator"))
    page.goto(live_server + "/educator/patients/new")
    page.get_by_label("Consult date (optional)").fill("2020-01-01")
    page.get_by_role("button", name="Add and print the access slip").click()
    expect(page.get_by_text("Enter the patient's name.")).to_be_visible()
    expect(page.get_by_text("The consult date is in the past.")).to_be_visible()
    assert_accessible(page)
