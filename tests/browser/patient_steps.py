"""Steps of the patient journey in a real browser, by keyboard unless said otherwise."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from quizapp.models import Choice


def enter_code_by_keyboard(page: Page, base: str, code: str) -> None:
    page.goto(base + "/start")
    expect(page.get_by_label("Your access code")).to_be_focused()  # autofocus
    page.keyboard.type(code.lower().replace("-", " "))
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/learn/")


def answer_by_keyboard(page: Page, dbs, right: bool) -> bool:
    """Answer the question on screen with the keyboard. Returns False when no question is shown."""
    inputs = page.locator("input[name=choice]")
    if inputs.count() == 0:
        return False
    ids = [int(inputs.nth(i).get_attribute("value")) for i in range(inputs.count())]
    flags = dict(
        dbs.execute(sa.select(Choice.id, Choice.is_correct).where(Choice.id.in_(ids))).all()
    )
    wanted = [i for i in ids if flags[i]] if right else [next(i for i in ids if not flags[i])]
    kind = inputs.first.get_attribute("type")
    page.locator("legend").wait_for()
    page.keyboard.press("Tab")  # skip link
    while page.evaluate("document.activeElement.name") != "choice":
        page.keyboard.press("Tab")
    if kind == "radio":
        # arrow keys move through a radio group; stop on the wanted one, then Space selects it
        for _ in range(len(ids) + 1):
            current = int(page.evaluate("document.activeElement.value"))
            if current == wanted[0]:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
    else:
        for _ in ids:
            current = int(page.evaluate("document.activeElement.value"))
            if current in wanted:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
    page.get_by_role("button", name="Check my answer").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/feedback")
    return True


def press(page: Page, name: str) -> None:
    """Focus the link or button named exactly ``name``, press Enter, wait for the next page."""
    link = page.get_by_role("link", name=name, exact=True)
    target = link if link.count() else page.get_by_role("button", name=name, exact=True)
    target.first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
