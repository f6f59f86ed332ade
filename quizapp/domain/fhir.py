"""A bank as an HL7 FHIR R4 Questionnaire: a group item per topic, a choice item per approved
question (``linkId`` = question key), each choice an ``answerOption`` coded with ``choice_code``.

The codes and the system here are what a QuestionnaireResponse of the same bank must use.
"""

from __future__ import annotations

from typing import Any

from quizapp.domain.bankfile import BankSpec, QuestionSpec

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def questionnaire_url(slug: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """The canonical URL of the bank's Questionnaire (where the web app serves it)."""
    return f"{base_url.rstrip('/')}/fhir/Questionnaire/{slug}"


def choice_system(slug: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """The code system of the bank's answer choices."""
    return f"{questionnaire_url(slug, base_url)}/choices"


def choice_code(question_key: str, position: int) -> str:
    """The code of a choice: ``position`` counts from 0 (``Choice.position``), the code from 1,
    so the first choice of ``purpose-what`` is ``purpose-what-1``."""
    return f"{question_key}-{position + 1}"


def source_excerpt_url(base_url: str = DEFAULT_BASE_URL) -> str:
    """The extension that carries a question's source excerpt (the document's own words)."""
    return f"{base_url.rstrip('/')}/fhir/StructureDefinition/source-excerpt"


def resource_name(slug: str) -> str:
    """A computer-friendly name (FHIR's ``[A-Z][A-Za-z0-9_]*``): ``salvage-x`` -> ``SalvageX``."""
    name = "".join(part.capitalize() for part in slug.split("-") if part)
    return name if name[:1].isalpha() else f"Bank{name}"


def questionnaire(spec: BankSpec, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
    """The bank as a FHIR R4 Questionnaire resource (a JSON-ready dict).

    Only approved questions are included, and a topic without any is left out, because FHIR
    does not allow an empty group.
    """
    system = choice_system(spec.slug, base_url)
    groups = []
    for topic in spec.topics:
        items = [
            _item(q, system, base_url)
            for q in spec.questions
            if q.topic == topic.key and q.status == "approved"
        ]
        if items:
            groups.append(
                {"linkId": topic.key, "text": topic.title, "type": "group", "item": items}
            )
    return {
        "resourceType": "Questionnaire",
        "id": spec.slug,
        "url": questionnaire_url(spec.slug, base_url),
        "name": resource_name(spec.slug),
        "title": spec.title,
        "status": "active",
        "subjectType": ["Patient"],
        "item": groups,
    }


def _item(q: QuestionSpec, system: str, base_url: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "extension": [{"url": source_excerpt_url(base_url), "valueString": q.source_excerpt}],
        "linkId": q.key,
        "text": q.stem,
        "type": "choice",
    }
    if q.kind == "multi":
        item["repeats"] = True
    item["answerOption"] = [
        {"valueCoding": {"system": system, "code": choice_code(q.key, n), "display": c.text}}
        for n, c in enumerate(q.choices)
    ]
    return item
