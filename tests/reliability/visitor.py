"""A patient's browser against a real server: cookies kept, redirects not followed, no JavaScript.

Built on ``http.client`` so each request is one TCP connection to 127.0.0.1 and nothing else.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from tests.helpers import CSRF_RE

HOST = "127.0.0.1"
CHOICE_RE = re.compile(r'id="choice-(\d+)"')
FORM_ACTION_RE = re.compile(r'<form method="post" action="(/learn/[^"]+)"')
TIMEOUT = 30.0


@dataclass
class Reply:
    status: int
    location: str
    text: str


class Visitor:
    """One browser: a cookie jar and a method per request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> Reply:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        headers = {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self._remember(header)
            location = urlsplit(response.headers.get("Location", "")).path
            return Reply(response.status, location, text)
        finally:
            conn.close()

    def _remember(self, header: str) -> None:
        name, _, value = header.split(";", 1)[0].partition("=")
        if not value or "expires=thu, 01 jan 1970" in header.lower():
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: list[tuple[str, str]]) -> Reply:
        return self.request("POST", path, form)

    def submit(self, page: Reply, action: str, form: list[tuple[str, str]]) -> Reply:
        """POST ``form`` to ``action`` with the CSRF token found on ``page``."""
        return self.post(action, [("csrf_token", csrf(page.text)), *form])


def csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def enter_code(visitor: Visitor, code: str) -> Reply:
    """Sign in as a patient with an access code."""
    return visitor.submit(visitor.get("/start"), "/start", [("code", code)])


@dataclass(frozen=True)
class Answer:
    """An answer the server acknowledged (302 to its feedback page)."""

    assignment_id: int
    round_number: int
    position: int
    choices: tuple[int, ...]


@dataclass
class Journey:
    """A patient working through an assignment, one request-level step at a time."""

    visitor: Visitor
    assignment_id: int
    #: choice id -> is it correct; the patient answers right or wrong on purpose.
    correct: dict[int, bool]
    answer_right: object  # a callable () -> bool
    answers: list[Answer] = field(default_factory=list)
    finishes: list[tuple[int, int]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    done: bool = False
    #: The access code, and whether the server has accepted it in this browser.
    code: str = ""
    signed_in: bool = False

    def _seen(self, reply: Reply) -> Reply:
        self.statuses.append(reply.status)
        return reply

    def step(self) -> None:
        """Do the next thing a patient would do: answer, finish a round, or start one."""
        base = f"/learn/{self.assignment_id}"
        reply = self._seen(self.visitor.get(f"{base}/quiz"))
        if reply.status == 302 and "/q/" in reply.location:
            self._answer(reply.location)
        elif reply.status == 302 and reply.location.endswith("/done"):
            self.done = True
        elif reply.status == 302 and reply.location.endswith("/summary"):
            page = self._seen(self.visitor.get(reply.location))
            self._seen(self.visitor.submit(page, f"{base}/rounds", []))
        elif reply.status == 200:
            action = FORM_ACTION_RE.search(reply.text)
            assert action, "quiz page without a form"
            result = self._seen(self.visitor.submit(reply, action.group(1), []))
            if action.group(1).endswith("/finish") and result.status == 302:
                self.finishes.append((self.assignment_id, int(action.group(1).split("/")[-2])))
        else:
            raise AssertionError(f"unexpected {reply.status} {reply.location} on {base}/quiz")

    def _answer(self, url: str) -> None:
        page = self._seen(self.visitor.get(url))
        if page.status == 302:  # answered already (its acknowledgement was lost)
            return
        assert page.status == 200, (page.status, url)
        ids = [int(i) for i in CHOICE_RE.findall(page.text)]
        if self.answer_right():
            chosen = [i for i in ids if self.correct[i]]
        else:
            chosen = [next(i for i in ids if not self.correct[i])]
        result = self._seen(self.visitor.submit(page, url, [("choice", str(i)) for i in chosen]))
        if result.status == 302 and result.location.endswith("/feedback"):
            parts = url.split("/")
            self.answers.append(
                Answer(self.assignment_id, int(parts[-3]), int(parts[-1]), tuple(sorted(chosen)))
            )
            self._seen(self.visitor.get(result.location))
