"""A small, hostile world for the sweeps, and every route of the app with real values for its URL.

The world: an administrator and an educator (display names carrying payloads), a bank imported
through the upload page with a payload in every field and in its document, a bank drafted from
that document, patients enrolled with ``patients add`` whose names and MRNs are payloads, one of
whom has signed in and answered question 1 wrong. A signed-in test client for each role.

When you add a route whose URL has an argument the sweeps cannot fill, they fail and name it:
add a line to ``ARGUMENTS`` giving a real value from the world.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from quizapp.models import Assignment, Bank, Base, Choice, Question, Topic
from quizapp.operations import users as user_ops
from tests.conftest import PASSWORD
from tests.helpers import csrf_from, post_form
from tests.security import payloads

ROLES = ("anonymous", "patient", "educator", "admin")
CHOICE_RE = re.compile(r'id="choice-(\d+)"')
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: The bank the administrator drafts from the hostile document.
DRAFTS_SLUG = "hostile-drafts"


@dataclass
class World:
    app: Flask
    dbs: sa.orm.Session
    clients: dict[str, FlaskClient]
    admin_id: int
    educator_id: int
    #: A second educator, for pages and actions about "another staff member".
    colleague_id: int
    patient_id: int
    assignment_id: int
    code: str
    bank_slug: str
    question_id: int
    draft_id: int
    anchor: str
    #: Every patient enrolled, by id (names and MRNs are payloads).
    patient_ids: list[int] = field(default_factory=list)

    def answer(self, position: int, right: bool, number: int = 1):
        """The patient answers question ``position`` of round ``number``, right or wrong."""
        client = self.clients["patient"]
        url = f"/learn/{self.assignment_id}/round/{number}/q/{position}"
        page = client.get(url).get_data(as_text=True)
        ids = [int(i) for i in CHOICE_RE.findall(page)]
        correct = dict(self.dbs.execute(sa.select(Choice.id, Choice.is_correct)).all())
        chosen = (
            [i for i in ids if correct[i]] if right else [next(i for i in ids if not correct[i])]
        )
        return client.post(url, data={"csrf_token": csrf_from(page), "choice": chosen})

    def press(self, page: str, action: str):
        """The patient presses a button (start a round, finish a round) found on ``page``."""
        client = self.clients["patient"]
        token = csrf_from(client.get(page).get_data(as_text=True))
        return client.post(action, data={"csrf_token": token})

    def finish_quiz(self) -> None:
        """Answer everything right until the assignment is complete (bounded)."""
        base = f"/learn/{self.assignment_id}"
        client = self.clients["patient"]
        for _ in range(40):
            reply = client.get(f"{base}/quiz")
            location = reply.headers.get("Location", "")
            if location.endswith("/done"):
                return
            if "/q/" in location:
                parts = location.split("/")
                assert self.answer(int(parts[-1]), True, int(parts[-3])).status_code == 302
            elif location.endswith("/summary"):
                assert self.press(location, f"{base}/rounds").status_code == 302
            else:
                action = re.search(r'action="(/learn/[^"]+)"', reply.get_data(as_text=True))
                assert action, "quiz page without a form"
                assert self.press(f"{base}/quiz", action.group(1)).status_code == 302
        raise AssertionError("the quiz did not finish in 40 steps")


def build_world(app: Flask, dbs: sa.orm.Session) -> World:
    """Build the hostile world through the same doors people use."""
    admin = user_ops.create_user(dbs, "admin@example.org", "admin", PASSWORD, payloads.PAYLOADS[1])
    educator = user_ops.create_user(
        dbs, "educator@example.org", "educator", PASSWORD, payloads.PAYLOADS[0]
    )
    colleague = user_ops.create_user(
        dbs,
        "colleague@example.org",
        "educator",
        PASSWORD,
        payloads.PAYLOADS[7] + payloads.PAYLOADS[0],
    )
    dbs.commit()
    clients = {role: app.test_client() for role in ROLES}
    for role, user in (("admin", admin), ("educator", educator)):
        signed_in = post_form(clients[role], "/login", {"email": user.email, "password": PASSWORD})
        assert signed_in.status_code == 302, f"{role} could not sign in"

    slug = "hostile-bank"
    uploaded = clients["admin"].post(
        "/admin/banks/import",
        data={
            "csrf_token": csrf_from(clients["admin"].get("/admin/banks/import").get_data(True)),
            "bank": (io.BytesIO(payloads.bank_yaml(slug).encode()), f"{slug}.yaml"),
            "document": (io.BytesIO(payloads.DOCUMENT.encode()), f"{slug}.md"),
        },
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)[-2000:]
    drafted = clients["admin"].post(
        "/admin/generate",
        data={
            "csrf_token": csrf_from(clients["admin"].get("/admin/generate").get_data(True)),
            "document": (io.BytesIO(payloads.DOCUMENT.encode()), "hostile.md"),
            "slug": DRAFTS_SLUG,
            "title": payloads.ALL[:200],
        },
    )
    assert drafted.status_code == 302, drafted.get_data(as_text=True)[-2000:]

    runner = app.test_cli_runner()
    code, patient_ids = "", []
    for n, payload in enumerate(payloads.PAYLOADS):
        args = ["patients", "add", "--educator", educator.email, "--name", payload]
        args += ["--mrn", f"{payload[:36]}-{n}"]
        if n == 0:
            args += ["--bank", slug]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        patient_ids.append(int(re.search(r"Enrolled patient (\d+)", result.output).group(1)))
        code = code or re.search(r"Access code: (\S+)", result.output).group(1)

    bank = dbs.scalar(sa.select(Bank).where(Bank.slug == slug))
    question = dbs.scalar(
        sa.select(Question).where(Question.bank_id == bank.id).order_by(Question.id)
    )
    draft = dbs.scalar(
        sa.select(Question)
        .join(Bank, Bank.id == Question.bank_id)
        .where(Bank.slug == DRAFTS_SLUG)
        .order_by(Question.id)
    )
    topic = dbs.scalar(sa.select(Topic).where(Topic.bank_id == bank.id).order_by(Topic.position))
    assignment = dbs.scalar(sa.select(Assignment).where(Assignment.patient_id == patient_ids[0]))
    world = World(
        app=app,
        dbs=dbs,
        clients=clients,
        admin_id=admin.id,
        educator_id=educator.id,
        colleague_id=colleague.id,
        patient_id=patient_ids[0],
        assignment_id=assignment.id,
        code=code,
        bank_slug=slug,
        question_id=question.id,
        draft_id=draft.id if draft else question.id,
        anchor=topic.section or "",
        patient_ids=patient_ids,
    )
    assert post_form(clients["patient"], "/start", {"code": code}).status_code == 302
    return world


def start_quiz(world: World) -> None:
    """The patient starts round 1 and answers question 1 wrong (so there is feedback to show)."""
    base = f"/learn/{world.assignment_id}"
    assert world.press(f"{base}/quiz", f"{base}/rounds").status_code == 302
    assert world.answer(1, right=False).status_code == 302


# --- Routes ------------------------------------------------------------------------------------

#: URL argument name -> the values to try, taken from the world. Add yours here.
ARGUMENTS: dict[str, Callable[[World], list[object]]] = {
    "assignment_id": lambda w: [w.assignment_id],
    "number": lambda w: [1],
    "position": lambda w: [1, 2],  # 1 is answered by start_quiz(), 2 is not
    "slug": lambda w: [w.bank_slug, DRAFTS_SLUG],
    "question_id": lambda w: [w.question_id, w.draft_id],
    "anchor": lambda w: [w.anchor],
    "patient_id": lambda w: [w.patient_id, w.patient_ids[1]],
    "user_id": lambda w: [w.colleague_id],
    "filename": lambda w: ["css/app.css"],
}


class MissingArgument(AssertionError):
    pass


def values_for(rule: Rule, name: str, world: World) -> list[object]:
    converter = rule._converters.get(name)
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)  # every allowed value of <any(a, b):name>
    if name not in ARGUMENTS:
        raise MissingArgument(
            f"The security sweeps cannot fill <{name}> in {rule.rule} ({rule.endpoint}). "
            f"Add {name!r} to ARGUMENTS in tests/security/world.py with a real value from the "
            "World, so that this route is checked for CSRF, headers, escaping and 500s."
        )
    return ARGUMENTS[name](world)


def urls(world: World, methods: set[str]) -> Iterator[tuple[Rule, str]]:
    """(rule, url) for every rule answering one of ``methods``, with real argument values."""
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule):
        if not (rule.methods or set()) & methods:
            continue
        names = sorted(rule.arguments)
        choices = [values_for(rule, name, world) for name in names]
        for combination in itertools.product(*choices):
            built = rule.build(dict(zip(names, combination, strict=True)), append_unknown=False)
            assert built is not None, f"cannot build {rule.rule} from {combination}"
            yield rule, built[1]


def snapshot(dbs: sa.orm.Session) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: equal snapshots mean nothing changed."""
    dbs.expire_all()
    rows = {}
    for table in Base.metadata.sorted_tables:
        order = list(table.primary_key.columns)
        rows[table.name] = [tuple(r) for r in dbs.execute(sa.select(table).order_by(*order))]
    dbs.rollback()
    return rows


def is_signed_in(world: World, role: str) -> bool:
    """Whether the role's client still has a live session (logout ends it)."""
    client = world.clients[role]
    home = {"patient": "/learn/", "educator": "/educator/", "admin": "/admin/"}.get(role)
    return home is None or client.get(home).status_code == 200


def browser_host(location: str) -> str:
    """The host a browser would go to for this Location header, read as browsers read it (tabs and
    new lines dropped, backslashes taken as slashes, relative to our own host)."""
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    return urlsplit(urljoin("http://localhost/", cleaned)).netloc
