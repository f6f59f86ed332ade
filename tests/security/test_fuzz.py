"""Fuzzing with hypothesis: every form, upload, query string and URL argument, whatever arrives,
never makes a 500.

The forms are found by reading every page each role can open (so new forms are fuzzed without
touching this file); the fields each form has get values near the real ones (its options, numbers
at the edges, dates that do not exist, NUL bytes, payloads) and uploads get random bytes and bank
files with one part replaced by junk. Under TESTING an exception in a view is not turned into the
friendly 500 page: it reaches the test client and fails the test, with hypothesis's smallest example.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field

import pytest
import yaml
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from quizapp import create_app, db
from quizapp.models import Patient, User
from quizapp.operations import patients as patient_ops
from quizapp.security.passwords import hash_password
from tests.conftest import PASSWORD, base_config
from tests.helpers import CSRF_RE, post_form
from tests.security import payloads
from tests.security.world import ROLES, STATE_CHANGING, World, is_signed_in, start_quiz, urls

FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR_RE = re.compile(r'([a-z-]+)="([^"]*)"', re.I)
INPUT_RE = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
OPTION_RE = re.compile(r'<option\b[^>]*value="([^"]*)"', re.I)
DOOR_CLOSED = ("/login", "/start", "/signed-out")
HOMES = {"anonymous": "/login", "patient": "/learn/", "educator": "/educator/", "admin": "/admin/"}
FUZZ = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is never a fluke of CI
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
EDGES = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1",
        "3",
        "99999999999999999999",
        "2147483648",
        # digits to str.isdigit() that int() refuses or reads differently: "²" was a 500
        "²",
        "١٢",
        "１２",
        "𝟏",
        "⑤",
        "1e309",
        "NaN",
        "2026-02-30",
        "0001-01-01",
        "9999-12-31",
        "\x00",
        "a\x00b",
        "../../../etc/passwd",
        "x" * 5000,
        "admin",
        "educator",
        "patient",
        "approve",
        "draft",
        *payloads.PAYLOADS,
    ]
)
VALUE = st.one_of(TEXT, EDGES, st.integers(-(2**70), 2**70).map(str))
JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def _paths(node, prefix=()):
    yield prefix
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _paths(child, (*prefix, key))


BANK = yaml.safe_load(payloads.bank_yaml("fuzzed-bank"))
BANK_PATHS = [p for p in _paths(BANK) if p]


def _replace(path: tuple, junk) -> str:
    bank = copy.deepcopy(BANK)
    node = bank
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = junk
    return yaml.safe_dump(bank, sort_keys=False, allow_unicode=True)


FILE_BYTES = st.one_of(
    st.binary(max_size=2000),
    TEXT.map(str.encode),
    st.tuples(st.sampled_from(BANK_PATHS), JUNK).map(lambda pj: _replace(*pj).encode()),
    st.sampled_from(
        [
            payloads.bank_yaml("fuzzed-bank").encode(),
            payloads.DOCUMENT.encode(),
            b"\xef\xbb\xbf" + payloads.DOCUMENT.encode(),
            payloads.DOCUMENT.encode("utf-16"),
            b"\x00" * 64,
            b"\xff\xfe\xfd",
            b"a: [unclosed",
            b"- 1\n- 2\n",
            b"&a [*a, *a, *a, *a]",
            b"# Title only\n",
        ]
    ),
)


@dataclass
class Form:
    """A form found on a page: where it posts, and its fields with the values the page offers."""

    action: str
    role: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def forms_on(page: str, page_url: str, role: str) -> list[Form]:
    found = []
    for attrs, body in FORM_RE.findall(page):
        attributes = dict(ATTR_RE.findall(attrs))
        if attributes.get("method", "get").lower() != "post":
            continue
        form = Form(attributes.get("action") or page_url.split("?")[0], role)
        for _tag, tag_attrs in INPUT_RE.findall(body):
            a = dict(ATTR_RE.findall(tag_attrs))
            name = a.get("name")
            if not name or name == "csrf_token":
                continue
            if a.get("type") == "file":
                form.files.append(name)
                continue
            offered = form.fields.setdefault(name, [])
            if "value" in a:
                offered.append(a["value"])
        for name, options in re.findall(
            r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S | re.I
        ):
            form.fields.setdefault(name, []).extend(OPTION_RE.findall(options))
        found.append(form)
    return found


def discover(world: World) -> list[Form]:
    """Every POST form on every page every role can open, plus bare posts to every other
    state-changing route a role gets into (forms built elsewhere, or none at all)."""
    forms: dict[tuple[str, str], Form] = {}
    for _rule, url in urls(world, {"GET"}):
        for role in ROLES:
            response = world.clients[role].get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                for form in forms_on(response.get_data(as_text=True), url, role):
                    known = forms.setdefault((form.action, role), form)
                    for name, values in form.fields.items():
                        known.fields.setdefault(name, []).extend(values)
                    known.files = sorted(set(known.files) | set(form.files))
            response.close()
    for _rule, url in urls(world, STATE_CHANGING):
        for role in ROLES:
            if (url, role) not in forms and gets_in(world, role, url):
                forms[(url, role)] = Form(url, role)
    return list(forms.values())


def gets_in(world: World, role: str, url: str) -> bool:
    """Whether a post with nothing but a valid token gets past the door (role and sign-in)."""
    response = world.clients[role].post(url, data={"csrf_token": token(world, role)})
    response.close()
    sign_in_again(world, role)
    location = response.headers.get("Location", "")
    return response.status_code != 403 and not location.startswith(DOOR_CLOSED)


def token(world: World, role: str) -> str:
    page = world.clients[role].get(HOMES[role]).get_data(as_text=True)
    match = CSRF_RE.search(page)
    return match.group(1) if match else ""


def sign_in_again(world: World, role: str) -> None:
    """Undo what a fuzzed request did to a role's own session (logout, a revoked code, a reset)."""
    if role == "anonymous" or is_signed_in(world, role):
        return
    dbs, client = world.dbs, world.clients[role]
    client.delete_cookie("quizapp_session")
    if role == "patient":
        patient = dbs.get(Patient, world.patient_id)
        code = patient_ops.issue_code(dbs, patient, world.app.config["SECRET_KEY"], 30)
        dbs.commit()
        assert post_form(client, "/start", {"code": code}).status_code == 302
        return
    user = dbs.get(User, world.admin_id if role == "admin" else world.educator_id)
    user.is_active, user.role, user.password_hash = True, role, hash_password(PASSWORD)
    dbs.commit()
    assert (
        post_form(client, "/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    )


def check(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[-1500:]


def test_every_form_and_upload_survives_fuzzing(world):
    start_quiz(world)
    forms = discover(world)
    assert sum(1 for f in forms if f.files) >= 2, "no upload form found to fuzz"
    tokens = {role: token(world, role) for role in ROLES}

    @FUZZ
    @given(st.sampled_from(forms), st.data())
    def post(form: Form, data) -> None:
        body: dict[str, object] = {"csrf_token": tokens[form.role]}
        for name, offered in form.fields.items():
            if data.draw(st.booleans(), label=f"send {name}"):
                choices = st.sampled_from(offered) | VALUE if offered else VALUE
                body[name] = data.draw(st.lists(choices, min_size=1, max_size=3), label=name)
        for name in data.draw(st.lists(TEXT, max_size=2), label="extra fields"):
            body.setdefault(name or "x", data.draw(VALUE))
        for name in form.files:
            if data.draw(st.booleans(), label=f"upload {name}"):
                content = data.draw(FILE_BYTES, label=name)
                body[name] = (io.BytesIO(content), data.draw(TEXT | st.just("bank.yaml")))
        response = world.clients[form.role].post(form.action, data=body)
        check(response)
        response.close()
        if response.status_code < 400:
            sign_in_again(world, form.role)
            tokens[form.role] = token(world, form.role)

    post()


def _argument(rule: Rule, name: str, world: World):
    converter = rule._converters[name]
    real = [str(v) for v in getattr(converter, "items", [])]
    if isinstance(converter, NumberConverter):
        return st.integers(0, 2**70) | st.sampled_from([world.assignment_id, world.question_id])
    if real:
        return st.sampled_from(sorted(real))
    return TEXT.filter(lambda s: s and "/" not in s)


def test_every_page_survives_fuzzed_urls_and_query_strings(world):
    start_quiz(world)
    rules = sorted(
        (
            r
            for r in world.app.url_map.iter_rules()
            if "GET" in (r.methods or ()) and r.endpoint != "static"
        ),
        key=lambda r: r.rule,
    )

    @FUZZ
    @given(st.sampled_from(rules), st.sampled_from(ROLES), st.data())
    def get(rule: Rule, role: str, data) -> None:
        values = {
            name: data.draw(_argument(rule, name, world), label=name) for name in rule.arguments
        }
        built = rule.build(values, append_unknown=False)
        query = data.draw(
            st.dictionaries(
                TEXT | st.sampled_from(["page", "q", "next", "version", "patient", "status"]),
                VALUE,
                max_size=3,
            )
        )
        response = world.clients[role].get(built[1], query_string=query)
        check(response)
        response.close()

    get()


def test_an_exception_in_a_view_reaches_the_test_and_fails_it():
    app: Flask = create_app(base_config("sqlite://"))

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    try:
        assert app.config["TESTING"] and not app.config.get("QUIZAPP_FRIENDLY_500_IN_TESTS")
        with pytest.raises(RuntimeError, match="boom"):
            app.test_client().get("/boom")
    finally:
        db.dispose(app)
