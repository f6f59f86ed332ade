"""The FHIR Questionnaire of a bank: valid R4 (checked with fhir.resources' R4B models, the R4
family the package ships), a group per topic, a coded choice item per approved question."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from fhir.resources.R4B.questionnaire import Questionnaire

from quizapp.domain import bankload, fhir
from quizapp.domain.bankfile import BankSpec, ChoiceSpec, QuestionSpec, TopicSpec

BUNDLED = Path(__file__).parents[2] / "questions" / "salvage-prostate-cryoablation.yaml"
BASE = "https://quiz.example.org/"


def bundled() -> BankSpec:
    return bankload.load(BUNDLED).specs[0]


def test_the_bundled_bank_is_a_valid_questionnaire_with_a_group_per_topic():
    spec = bundled()
    data = fhir.questionnaire(spec, BASE)
    resource = Questionnaire.model_validate(data)
    assert (
        resource.url == "https://quiz.example.org/fhir/Questionnaire/salvage-prostate-cryoablation"
    )
    assert (resource.id, resource.name, resource.title, resource.status) == (
        "salvage-prostate-cryoablation",
        "SalvageProstateCryoablation",
        "Salvage prostate cryoablation",
        "active",
    )
    assert [(g.linkId, g.text, g.type) for g in resource.item] == [
        (t.key, t.title, "group") for t in spec.topics
    ]
    for group in resource.item:
        wanted = [
            q.key for q in spec.questions if q.topic == group.linkId and q.status == "approved"
        ]
        assert [item.linkId for item in group.item] == wanted


def test_each_question_is_a_coded_choice_item_with_its_source_excerpt():
    spec = bundled()
    items = {
        item["linkId"]: item
        for group in fhir.questionnaire(spec, BASE)["item"]
        for item in group["item"]
    }
    system = "https://quiz.example.org/fhir/Questionnaire/salvage-prostate-cryoablation/choices"
    for q in spec.questions:
        item = items[q.key]
        assert (item["text"], item["type"]) == (q.stem, "choice")
        assert item.get("repeats", False) is (q.kind == "multi")
        assert item["answerOption"] == [
            {"valueCoding": {"system": system, "code": f"{q.key}-{n}", "display": c.text}}
            for n, c in enumerate(q.choices, 1)
        ]
        assert item["extension"] == [
            {
                "url": "https://quiz.example.org/fhir/StructureDefinition/source-excerpt",
                "valueString": q.source_excerpt,
            }
        ]


def test_only_approved_questions_are_included_and_empty_topics_are_left_out():
    choices = (ChoiceSpec("True", True), ChoiceSpec("False"))
    spec = BankSpec(
        slug="2024-cold",
        title="Cold",
        document="documents/2024-cold.md",
        document_text="# Cold\n",
        topics=(TopicSpec("one", "One"), TopicSpec("two", "Two")),
        questions=(
            QuestionSpec("a", "one", "truefalse", "A?", choices, "A.", status="approved"),
            QuestionSpec("b", "one", "truefalse", "B?", choices, "B.", status="draft"),
            QuestionSpec("c", "two", "truefalse", "C?", choices, "C.", status="retired"),
        ),
    )
    data = fhir.questionnaire(spec)
    Questionnaire.model_validate(data)
    assert [(g["linkId"], [i["linkId"] for i in g["item"]]) for g in data["item"]] == [
        ("one", ["a"])
    ]
    assert data["url"] == "http://127.0.0.1:5000/fhir/Questionnaire/2024-cold"
    assert re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,254}", data["name"])


def test_a_draft_edit_of_the_bundled_bank_drops_only_that_question():
    spec = bundled()
    first = spec.questions[0]
    approved = [q.key for q in spec.questions if q.status == "approved"]
    assert first.key in approved
    spec = replace(spec, questions=(replace(first, status="draft"), *spec.questions[1:]))
    keys = [i["linkId"] for g in fhir.questionnaire(spec)["item"] for i in g["item"]]
    assert keys == approved[1:]


def test_choice_codes_count_from_one():
    assert fhir.choice_code("purpose-what", 0) == "purpose-what-1"
    assert fhir.choice_code("purpose-what", 3) == "purpose-what-4"
