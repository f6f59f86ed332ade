"""Checking a question the administrator wrote, by the same rules as ``bank lint``.

The form's question is linted as a one-question bank over the bank's own document and topics,
so the editor can never accept what an import would refuse. Each problem is put beside the
form field it belongs to.
"""

from __future__ import annotations

from collections.abc import Collection

from quizapp.admin.forms import QuestionForm
from quizapp.domain.bankfile import KEY_RE, BankSpec, ChoiceSpec, QuestionSpec, TopicSpec
from quizapp.domain.lint import lint
from quizapp.models import Bank, Question

#: Lint fields that belong to one question, and the form field that shows each.
FORM_FIELD = {
    "stem": "stem",
    "kind": "kind",
    "topic": "topic",
    "explanation": "explanation",
    "source_excerpt": "source_excerpt",
}
LABELS = {
    "stem": "The question",
    "explanation": "The explanation",
    "source_excerpt": "The source excerpt",
}


def sentence(field_name: str, message: str) -> str:
    """A lint message as a sentence shown beside its field."""
    label = LABELS.get(field_name, field_name.title())
    if message.startswith("is "):
        message = f"{label} {message}"
    elif message.startswith("not "):
        message = f"{label} was {message}"
    message = message[0].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def problems(bank: Bank, spec: QuestionSpec) -> tuple[dict[str, list[str]], list[str]]:
    """Errors by form field name ("choices" for the choice list), and warnings."""
    bank_spec = BankSpec(
        slug=bank.slug,
        title=bank.title,
        document="",
        document_text=bank.document.body,
        topics=tuple(TopicSpec(t.key, t.title, t.section) for t in bank.topics),
        questions=(spec,),
    )
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    for problem in lint(bank_spec, bank.slug):
        if problem.key != spec.key or problem.field not in {*FORM_FIELD, "choices"}:
            continue  # topic-level problems belong to the bank, not to this form
        if problem.severity != "error":
            warnings.append(sentence(problem.field, problem.message))
            continue
        name = FORM_FIELD.get(problem.field, "choices")
        errors.setdefault(name, []).append(sentence(problem.field, problem.message))
    return errors, warnings


def current_problems(question: Question) -> list[str]:
    """The errors of a question's newest version, as an import would find them today."""
    version = question.current
    spec = QuestionSpec(
        key=question.key,
        topic=question.topic.key,
        kind=version.kind,
        stem=version.stem,
        choices=tuple(ChoiceSpec(c.text, c.is_correct, c.feedback) for c in version.choices),
        source_excerpt=version.source_excerpt,
        explanation=version.explanation,
    )
    errors, _warnings = problems(question.bank, spec)
    return [message for messages in errors.values() for message in messages]


def new_key(topic: str, taken: Collection[str]) -> str:
    """A free key made from the topic: ``anatomy-5``."""
    n = 1
    while f"{topic}-{n}" in taken:
        n += 1
    return f"{topic}-{n}"[:80]


def validate(
    form: QuestionForm, bank: Bank, editing: Question | None = None
) -> QuestionSpec | None:
    """Validate a submitted question form; return its spec, or None with errors on the form.

    When ``editing``, the key is the question's and the form must start from its newest
    version (someone else may have saved one meanwhile); when creating, the key is the form's
    or a new one.
    """
    valid = form.validate()
    key = editing.key if editing else None
    if editing and form.base_version.data != str(editing.current.number):
        form.form_errors.append(
            f"Someone saved version {editing.current.number} while you were editing. "
            "Open the version history to see their change, then save yours again."
        )
        form.base_version.data = str(editing.current.number)
        valid = False
    if key is None:
        taken = {q.key for q in bank.questions}
        key = form.key.data or new_key(form.topic.data or "question", taken)
        if not KEY_RE.match(key):
            form.key.errors.append("Use lower-case letters, digits and dashes, like anatomy-5.")
            valid = False
        elif key in taken:
            form.key.errors.append("Another question in this bank has this key.")
            valid = False
    for row in form.filled_rows():
        if not row.text.data:
            row.text.errors.append("Write the choice, or clear this row.")
            valid = False
    spec = form.to_spec(key)
    errors, _warnings = problems(bank, spec)
    form.choice_problems = errors.pop("choices", [])
    for name, messages in errors.items():
        getattr(form, name).errors.extend(messages)
    valid = valid and not errors and not form.choice_problems
    return spec if valid else None
