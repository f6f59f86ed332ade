"""Reading admin pages the way a person (and a screen reader) would: errors beside fields."""

from __future__ import annotations

from html.parser import HTMLParser


class _ById(HTMLParser):
    """Collects, for every element with an id, its attributes and its text."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, dict[str, str]] = {}
        self.text: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        element_id = values.get("id")
        if element_id:
            self.attrs[element_id] = {"tag": tag, **values}
            self.text.setdefault(element_id, "")
        if tag not in self.VOID:
            self._open.append((tag, element_id))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _id = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.text[element_id] += data


def parse(html: str) -> _ById:
    parser = _ById()
    parser.feed(html)
    return parser


def errors(html: str) -> dict[str, str]:
    """Every error shown on the page: the id of its field -> the error's text."""
    page = parse(html)
    return {
        element_id.removesuffix("-error"): " ".join(text.split())
        for element_id, text in page.text.items()
        if element_id.endswith("-error")
    }


def error_beside(html: str, field_id: str) -> str:
    """The error shown for ``field_id``; fails unless the field points at it for screen readers."""
    page = parse(html)
    assert f"{field_id}-error" in page.attrs, f"no error shown for {field_id}: {errors(html)}"
    field = page.attrs[field_id]
    assert f"{field_id}-error" in field.get("aria-describedby", "").split()
    if field["tag"] != "fieldset":
        assert field.get("aria-invalid") == "true"
    return " ".join(page.text[f"{field_id}-error"].split())
