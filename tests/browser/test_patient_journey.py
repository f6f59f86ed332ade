"""The patient's journeys in Chromium: keyboard only, resume, phone and zoom, and axe everywhere."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from quizapp.models import Response
from tests.browser.accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.browser.conftest import screenshot
from tests.browser.patient_steps import answer_by_keyboard, enter_code_by_keyboard, press

pytestmark = pytest.mark.browser


@pytest.fixture
def enrolled(make_assignment, issue_code):
    assignment = make_assignment(per_topic=1, max_rounds=3)
    return assignment, issue_code(assignment.patient)


def test_full_journey_by_keyboard_with_a_second_round_to_mastery(page, live_server, dbs, enrolled):
    assignment, code = enrolled
    enter_code_by_keyboard(page, live_server, code)
    assert_accessible(page)
    screenshot(page, "patient-home")
    press(page, "Read")
    assert_accessible(page)
    screenshot(page, "patient-contents")
    press(page, "Start reading")
    expect(page.get_by_text("Part 1 of 6")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "patient-section")
    page.goto(f"{live_server}/learn/{assignment.id}/quiz")
    assert_accessible(page)
    press(page, "Start the questions")
    expect(page.get_by_text("Question 1 of 6")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "patient-question")

    answer_by_keyboard(page, dbs, right=False)
    expect(page.get_by_role("heading", name="✗ Not quite.")).to_be_visible()
    expect(page.locator("mark")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "patient-feedback-wrong")
    while page.get_by_role("link", name="Next question").count():
        press(page, "Next question")
        answer_by_keyboard(page, dbs, right=True)
    assert_accessible(page)
    press(page, "See how you did")
    expect(page.get_by_role("heading", name="Let's look at these again")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "patient-round-summary")

    press(page, "Try again")
    expect(page.get_by_text("Question 1 of 1")).to_be_visible()
    answer_by_keyboard(page, dbs, right=True)
    expect(page.get_by_role("heading", name="✓ That is right.")).to_be_visible()
    press(page, "See how you did")
    press(page, "See your result")
    expect(page.get_by_text("You are ready to talk with your doctor")).to_be_visible()
    expect(page.get_by_role("heading", name="Questions to ask your doctor")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "patient-done")
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 7


def test_resume_across_a_closed_browser(browser, live_server, dbs, enrolled):
    assignment, code = enrolled
    first = browser.new_context()
    page = first.new_page()
    enter_code_by_keyboard(page, live_server, code)
    page.goto(f"{live_server}/learn/{assignment.id}/quiz")
    press(page, "Start the questions")
    answer_by_keyboard(page, dbs, right=True)
    press(page, "Next question")
    answer_by_keyboard(page, dbs, right=False)
    first.close()  # the browser is closed; its cookie is gone

    second = browser.new_context()
    page = second.new_page()
    enter_code_by_keyboard(page, live_server, code)
    press(page, "Continue the questions")
    expect(page.get_by_text("Question 3 of 6")).to_be_visible()
    assert dbs.scalar(sa.select(sa.func.count(Response.id))) == 2
    second.close()


def test_error_and_signed_out_pages_are_accessible(page, live_server, enrolled):
    assignment, code = enrolled
    page.goto(live_server + "/start")
    page.get_by_label("Your access code").fill("nope")
    page.get_by_role("button", name="Start").click()
    assert_accessible(page)
    page.goto(live_server + "/signed-out")
    assert_accessible(page)
    enter_code_by_keyboard(page, live_server, code)
    page.goto(f"{live_server}/learn/{assignment.id}/round/9/summary")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("zoom", ["100%", "200%"])
def test_patient_screens_fit_a_phone_at_normal_and_double_text_size(
    phone, live_server, dbs, enrolled, zoom
):
    assignment, code = enrolled
    enter_code_by_keyboard(phone, live_server, code)
    phone.goto(f"{live_server}/learn/{assignment.id}/quiz")
    press(phone, "Start the questions")
    question_url = phone.url

    def check(name: str) -> None:
        phone.evaluate(
            f"document.documentElement.style.fontSize = 'calc(18px * {zoom[:-1]} / 100)'"
        )
        assert_no_horizontal_scroll(phone)
        screenshot(phone, f"phone-{zoom[:-1]}-{name}")

    check("question")
    labels = phone.locator(".choice label")
    for i in range(labels.count()):
        assert labels.nth(i).bounding_box()["height"] >= 44
    phone.locator(".choice label").first.click()
    phone.get_by_role("button", name="Check my answer").click()
    check("feedback")
    phone.goto(f"{live_server}/learn/{assignment.id}/read/how-it-compares-with-other-treatments")
    check("reading")
    assert question_url.endswith("/q/1")
