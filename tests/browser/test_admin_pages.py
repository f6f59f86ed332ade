"""The administrator's item statistics, audit log and staff pages in Chromium, checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from quizapp.operations import banks as bank_ops
from tests.admin.cohort import make_cohort
from tests.admin.conftest import SPEC
from tests.browser.accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def admin_page(page: Page, live_server, make_user, dbs) -> Page:
    """An administrator signed in, with a bank a small cohort has answered."""
    admin = make_user("admin", email="admin@example.org")
    bank = bank_ops.import_bank(dbs, SPEC, bank_ops.ImportReport())
    dbs.commit()
    make_cohort(dbs, bank, make_user("educator", email="nurse@example.org"))
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/admin/")
    return page


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def test_item_statistics(admin_page: Page, live_server):
    page = admin_page
    nav(page, "Item statistics")
    expect(page.get_by_role("heading", name="Item statistics")).to_be_visible()
    assert_accessible(page)  # the banks with their answers
    page.get_by_role("link", name="Freezing treatment").click()
    page.wait_for_url(f"{live_server}/admin/banks/freezing/stats")
    freeze = page.get_by_role("row").filter(has_text="what-freeze")
    expect(freeze).to_contain_text("50%")
    expect(freeze).to_contain_text("Negative discrimination")
    expect(freeze).to_contain_text("A wrong choice nobody picks")
    page.get_by_text("What the numbers mean").click()
    expect(page.get_by_text("Around 0.2 or more is good")).to_be_visible()
    assert_accessible(page)  # the statistics table, with its explanation open
    assert_no_horizontal_scroll(page)
    screenshot(page, "admin-item-statistics")


def test_audit_log_filters_with_an_error_then_a_match(admin_page: Page):
    page = admin_page
    nav(page, "Audit log")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_role("cell", name="auth.login")).to_be_visible()
    assert_accessible(page)  # the whole log

    page.get_by_label("From (UTC date)").fill("2026-03-12")
    page.get_by_label("To (UTC date, included)").fill("2026-03-11")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#end-error")).to_contain_text("The end date is before the start date.")
    assert page.get_by_label("To (UTC date, included)").get_attribute("aria-invalid") == "true"
    assert_accessible(page)  # a filter with its error beside it
    screenshot(page, "admin-audit-error")

    page.get_by_label("From (UTC date)").fill("")
    page.get_by_label("To (UTC date, included)").fill("")
    page.get_by_label("Action").fill("auth.")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status").last).to_contain_text("1 event matches")
    expect(page.get_by_role("link", name="Download these 1 event as CSV")).to_be_visible()
    assert_accessible(page)


def test_staff_create_with_an_error_then_deactivate(admin_page: Page):
    page = admin_page
    nav(page, "Staff")
    expect(page.get_by_role("rowheader", name="nurse@example.org")).to_be_visible()
    assert_accessible(page)  # the list

    page.get_by_role("link", name="Add a staff account").click()
    page.get_by_label("Email").fill("sam.jones@example.org")
    page.get_by_label("Name (optional)").fill("Sam Jones")
    page.get_by_label("Role").select_option("educator")
    page.get_by_label("Password (12 characters or more)").fill("too short")
    page.get_by_label("Password again").fill("too short")
    page.get_by_role("button", name="Create the account").click()
    expect(page.locator("#password-error")).to_contain_text("Use at least 12 characters.")
    assert page.get_by_label("Password (12 characters or more)").get_attribute(
        "aria-describedby"
    ) == ("password-hint password-error")
    assert_accessible(page)  # the form with an error beside the field
    screenshot(page, "admin-staff-new-error")

    page.get_by_label("Password (12 characters or more)").fill("a quiet harbour at dawn")
    page.get_by_label("Password again").fill("a quiet harbour at dawn")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Account created for sam.jones@example.org"
    )
    assert_accessible(page)  # the account page with its three forms
    screenshot(page, "admin-staff-account")

    page.get_by_role("button", name="Deactivate sam.jones@example.org").click()
    expect(page.get_by_role("status").first).to_contain_text("is deactivated and signed out")
    expect(page.get_by_role("button", name="Reactivate sam.jones@example.org")).to_be_visible()
    assert_accessible(page)
