"""Drafting questions from a document and reviewing them, in a real browser, all accessible."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds" / "000_3f8c8241accd99f4.txt"


def test_admin_drafts_a_bank_from_a_document_and_reviews_it(page, live_server, make_user, tmp_path):
    admin = make_user("admin", email="admin@example.org")
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/admin/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Draft questions").click()
    no_sections = tmp_path / "knee.txt"
    no_sections.write_text("Knee care\n\nRest the knee. Keep it raised.\n", encoding="utf-8")
    document = page.get_by_label("Document (.txt or .md)")
    document.set_input_files(no_sections)
    page.get_by_role("button", name="Draft questions").click()
    expect(page.locator("#document-error")).to_contain_text("Found no sections in the document")
    expect(page.get_by_text("Nothing was drafted or stored.")).to_be_visible()
    assert document.get_attribute("aria-invalid") == "true"
    assert_accessible(page)  # the upload page with an error beside the field
    screenshot(page, "admin-generate-error")

    page.get_by_label("Document (.txt or .md)").set_input_files(SEED)
    page.get_by_role("button", name="Draft questions").click()
    page.wait_for_url(f"{live_server}/admin/banks/salvage-prostate-cryoablation/drafts")
    expect(page.get_by_role("status").first).to_contain_text("Drafted 17 questions")
    drafts = page.locator("article.draft")
    expect(drafts).to_have_count(17)
    expect(drafts.first.locator("mark").first).to_be_visible()
    assert_accessible(page)  # the review queue
    screenshot(page, "admin-drafts-queue")

    first = drafts.first
    key = first.locator("h2 code").inner_text()
    first.get_by_role("button", name=f"Reject {key}").click()
    expect(page.get_by_text("Not rejected.")).to_be_visible()
    reason = page.locator("article.draft").first.get_by_label("Why reject it?")
    expect(reason).to_be_focused()
    assert_accessible(page)  # the queue with the missing reason marked
    reason.fill("Two of the wrong choices are true on another page.")
    page.locator("article.draft").first.get_by_role("button", name=f"Reject {key}").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Rejected {key}")
    expect(drafts).to_have_count(16)

    key = drafts.first.locator("h2 code").inner_text()
    drafts.first.get_by_role("button", name=f"Approve {key}").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Approved {key}")
    expect(drafts).to_have_count(15)
    expect(page.get_by_text("15 drafts to review; 1 approved and 1 retired")).to_be_visible()
