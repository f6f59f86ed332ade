"""Hostile text for every field a person can type or upload, and how to tell if it got through.

A page is safe when none of ``UNESCAPED`` appears in it: each is what the payload looks like when
the browser would run it. Escaped, ``<`` becomes ``&lt;`` and ``"`` becomes ``&#34;``, so the
escaped forms never match.
"""

from __future__ import annotations

import csv
import io
import re

import yaml

from tests.conftest import SECRET

TEMPLATE_RESULT = str(7 * 7777)  # what "{{7*7777}}" becomes if a template ever evaluates it
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '" onmouseover="alert(1)',
    "javascript:alert(1)",
    "{{7*7777}}",
    "{{config}}",
    "</textarea><script>alert(2)</script>",
    '=HYPERLINK("http://evil.example")',
)
#: One string carrying every payload, for the long fields.
ALL = " ".join(PAYLOADS)
#: Sent in a URL path, which the audit log keeps and the administrator reads.
IN_PATH = "<svg/onload=alert(3)>"
#: The escaped script payload: present on a page that shows a hostile field (and escapes it).
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

UNESCAPED = (
    "<script>alert(",
    "<img src=x onerror",
    "<svg onload",
    "<svg/onload",
    '" onmouseover="alert',
    TEMPLATE_RESULT,
    SECRET,
)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unescaped(text: str) -> list[str]:
    """Every hostile payload that appears in ``text`` in a form a browser would act on."""
    found = [needle for needle in UNESCAPED if needle in text]
    return found + JS_URL.findall(text)


def SECRET_LEAK(text: str) -> bool:  # noqa: N802 - reads as a constant check
    return SECRET in text or TEMPLATE_RESULT in text


def csv_formulas(text: str) -> list[str]:
    """Cells that a spreadsheet would run as a formula: hostile text must be neutralised."""
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    return [cell for cell in cells if "HYPERLINK" in cell and cell.startswith(FORMULA_START)]


DOCUMENT = f"""# Hostile document {PAYLOADS[0]}

## First part {PAYLOADS[0]}

The answer is yes. {ALL}

- A list item {PAYLOADS[1]}
- Another item {PAYLOADS[5]}

## What it means {PAYLOADS[3]}

Cryoablation is a treatment that freezes the tissue {PAYLOADS[0]}.

Radiation therapy is a treatment that uses strong x-rays {PAYLOADS[1]}.

The common side effects are:

- Pain in the belly {PAYLOADS[0]}
- Blood in the urine {PAYLOADS[1]}
- Swelling near the area {PAYLOADS[2]}
- Tiredness for a few days

## Second part {PAYLOADS[2]}

Cold is used. {ALL}

Source: {PAYLOADS[4]} reviewed 2026 {PAYLOADS[0]}
"""


def _question(key: str, topic: str, answer: str, excerpt_lead: str) -> dict:
    return {
        "key": key,
        "topic": topic,
        "kind": "single",
        "status": "approved",
        "stem": f"What does it say? {ALL}",
        "choices": [
            {"text": f"{answer} {ALL}", "correct": True},
            {"text": f"Maybe {ALL}", "feedback": f"Not so. {ALL}"},
            {"text": f"Never {ALL}", "feedback": f"No. {ALL}"},
        ],
        "explanation": f"Because. {ALL}",
        "source_excerpt": f"{excerpt_lead} {ALL}",
    }


def bank_yaml(slug: str = "hostile-bank") -> str:
    """A bank file with a payload in every field a person reads."""
    first, second = "first-part-script-alert-1-script", "second-part-svg-onload-alert-1"
    data = {
        "schema": "quizapp.bank/1",
        "slug": slug,
        "title": f"Hostile bank {PAYLOADS[0]} {PAYLOADS[5]}",
        "document": f"documents/{slug}.md",
        "topics": [
            {"key": "first", "title": f"First {PAYLOADS[1]} {PAYLOADS[0]}", "section": first},
            {"key": "second", "title": f"Second {PAYLOADS[2]}", "section": second},
        ],
        "questions": [
            _question("first-1", "first", "Yes", "The answer is yes."),
            _question("first-2", "first", "Sure", "The answer is yes."),
            _question("second-1", "second", "Cold", "Cold is used."),
            _question("second-2", "second", "Ice", "Cold is used."),
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
