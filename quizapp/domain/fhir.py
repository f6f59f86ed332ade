"""A bank as an HL7 FHIR R4 Questionnaire: a group item per topic, a choice item per approved
question (``linkId`` = question key), each choice an ``answerOption`` coded with ``choice_code``.

The codes and the system here are what a QuestionnaireResponse of the same bank must use.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class AnsweredItem:
    """One question's latest answer, for a QuestionnaireResponse."""

    topic_key: str
    topic_title: str
    question_key: str
    stem: str
    #: (position, text) of each chosen choice.
    chosen: tuple[tuple[int, str], ...]


def questionnaire_response(
    slug: str,
    response_id: str,
    patient_id: int,
    patient_name: str,
    completed: bool,
    authored: str,
    answers: list[AnsweredItem],
    base_url: str = DEFAULT_BASE_URL,
) -> dict[str, Any]:
    """A patient's answers to a bank as a FHIR R4 QuestionnaireResponse: a group per topic, each
    answered question with its chosen choices coded as in the bank's Questionnaire."""
    system = choice_system(slug, base_url)
    groups: dict[str, dict[str, Any]] = {}
    for answer in answers:
        group = groups.setdefault(
            answer.topic_key, {"linkId": answer.topic_key, "text": answer.topic_title, "item": []}
        )
        group["item"].append(
            {
                "linkId": answer.question_key,
                "text": answer.stem,
                "answer": [
                    {
                        "valueCoding": {
                            "system": system,
                            "code": choice_code(answer.question_key, p),
                            "display": t,
                        }
                    }
                    for p, t in answer.chosen
                ],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": questionnaire_url(slug, base_url),
        "status": "completed" if completed else "in-progress",
        "subject": {"reference": f"Patient/{patient_id}", "display": patient_name},
        "authored": authored,
    }
    if groups:
        resource["item"] = list(groups.values())
    return resource


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """Resources as a FHIR search result Bundle."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources],
    }
