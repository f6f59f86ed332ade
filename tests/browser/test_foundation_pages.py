"""The public pages in a real browser: accessible, usable by keyboard, fine on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/login", "/start", "/signed-out", "/no-such-page"])
def test_public_pages_have_no_axe_violations(page, live_server, path):
    page.goto(live_server + path)
    assert_accessible(page)


def test_wrong_code_error_is_accessible_and_announced(page, live_server):
    page.goto(live_server + "/start")
    page.get_by_label("Your access code").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Start").click()
    error = page.locator("#code-error")
    assert "We could not find that code" in error.inner_text()
    assert (
        page.get_by_label("Your access code").get_attribute("aria-describedby")
        == "code-hint code-error"
    )
    assert_accessible(page)
    screenshot(page, "start-wrong-code")


def test_staff_sign_in_by_keyboard_only(page, live_server, make_user):
    user = make_user("educator")
    page.goto(live_server + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Staff sign in"
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/login")
    expect(page.get_by_label("Email")).to_be_focused()  # focus starts in the form
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/educator/")
    assert page.get_by_role("heading", level=1).inner_text() == "My patients"
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/login", "/start"])
def test_pages_fit_a_phone_and_large_text(phone, live_server, path):
    phone.goto(live_server + path)
    assert_no_horizontal_scroll(phone)
    phone.evaluate("document.documentElement.style.fontSize = '225%'")  # about 200% zoom of 18 px
    assert_no_horizontal_scroll(phone)
    button = phone.locator("main button, main .button").first
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    screenshot(phone, f"phone{path.replace('/', '-') or '-home'}")


def test_works_without_javascript(browser, live_server, make_patient, issue_code):
    code = issue_code(make_patient(name="No Script"))
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_server + "/start")
    tab.get_by_label("Your access code").fill(code.lower().replace("-", " "))
    tab.get_by_role("button", name="Start").click()
    assert "Hello, No Script" in tab.content()
    context.close()
