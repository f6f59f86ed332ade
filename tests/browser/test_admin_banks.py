"""The administrator's bank editor in a real browser: import, edit, approve, all accessible."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"
SLUG = "salvage-prostate-cryoablation"


def test_admin_imports_edits_and_approves_a_question(page, live_server, make_user):
    admin = make_user("admin", email="admin@example.org")
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/admin/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    page.get_by_label("Bank file (.yaml)").set_input_files(QUESTIONS / f"{SLUG}.yaml")
    page.get_by_label("Document file (.md)").set_input_files(QUESTIONS / "documents" / f"{SLUG}.md")
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(f"{live_server}/admin/banks/{SLUG}")
    expect(page.get_by_role("status").first).to_contain_text(f"Imported {SLUG}:")
    assert_accessible(page)  # the bank's questions
    screenshot(page, "admin-bank-questions")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Banks").click()
    expect(page.get_by_role("link", name="Salvage prostate cryoablation")).to_be_visible()
    assert_accessible(page)  # the banks list
    page.get_by_role("link", name="Salvage prostate cryoablation").click()

    page.get_by_role("link", name="purpose-what", exact=True).click()
    stem = page.get_by_label("Question", exact=True)
    stem.fill("Which of these is NOT true of salvage prostate cryoablation?")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator("#stem-error")).to_contain_text('Do not build a stem on "NOT"')
    assert stem.get_attribute("aria-describedby") == "stem-hint stem-error"
    assert_accessible(page)  # the edit form with an error beside the field
    screenshot(page, "admin-edit-question-error")

    stem.fill("What is salvage prostate cryoablation for?")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved as version 2")
    expect(page.get_by_role("status").first).to_contain_text("It is a draft again")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").first).to_contain_text("Approved")
    expect(page.locator(".about .status")).to_have_text("approved")

    page.get_by_role("link", name="Version history (2)").click()
    expect(page.get_by_text("Changes from version 1")).to_be_visible()
    assert_accessible(page)  # the history with its diff
    screenshot(page, "admin-question-history")

    page.get_by_role("link", name="Preview version 2").click()
    expect(page.get_by_text("What is salvage prostate cryoablation for?")).to_be_visible()
    assert_accessible(page)  # the preview, as a patient sees it
    screenshot(page, "admin-question-preview")
