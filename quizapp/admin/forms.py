"""Forms of the admin blueprint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from quizapp.domain.bankfile import KEY_RE, ChoiceSpec, QuestionSpec
from quizapp.models import QuestionStatus, QuestionVersion, Topic

#: Choice rows on the question form; empty rows are ignored (kinds allow 2 to 6 choices).
CHOICE_ROWS = 6
KIND_CHOICES = [
    SelectChoice("single", "Single choice: one right answer"),
    SelectChoice("truefalse", "True or false"),
    SelectChoice("multi", "Select all that apply"),
]
STATUS_CHOICES = [SelectChoice("", "Any status")] + [
    SelectChoice(s.value, s.value.title()) for s in QuestionStatus
]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ImportForm(FlaskForm):
    bank = FileField(
        "Bank file (.yaml)",
        validators=[FileRequired("Choose the bank file (.yaml) to import.")],
    )
    document = FileField(
        "Document file (.md)",
        validators=[FileRequired("Choose the document file (.md) that the bank file names.")],
    )


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(
        "Search keys and questions", validators=[Optional(), Length(max=200)], filters=[_strip]
    )
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[Optional()])


class ChoiceRow(Form):
    text = StringField("Text", validators=[Length(max=500)], filters=[_strip])
    correct = BooleanField("Right answer")
    feedback = StringField("Feedback", validators=[Length(max=1000)], filters=[_strip])


class QuestionForm(FlaskForm):
    #: The version the editor started from, to catch a version saved meanwhile.
    base_version = HiddenField()
    key = StringField("Key", validators=[Optional(), Length(max=80)], filters=[_strip])
    topic = SelectField("Topic")
    kind = SelectField("Kind", choices=KIND_CHOICES)
    stem = TextAreaField("Question", validators=[Length(max=1000)], filters=[_strip])
    choices = FieldList(FormField(ChoiceRow), min_entries=CHOICE_ROWS, max_entries=CHOICE_ROWS)
    explanation = TextAreaField("Explanation", validators=[Length(max=2000)], filters=[_strip])
    source_excerpt = TextAreaField(
        "Source excerpt", validators=[Length(max=2000)], filters=[_strip]
    )

    def __init__(self, *args: Any, topics: Sequence[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topic.choices = [SelectChoice(t.key, t.title) for t in topics]
        for n, row in enumerate(self.choices, 1):
            row.form.text.label.text = f"Choice {n}"
            row.form.correct.label.text = f"Choice {n} is a right answer"
            row.form.feedback.label.text = f"Feedback on choice {n}"
        #: Problems with the choices as a whole (count, right answers), shown above the rows.
        self.choice_problems: list[str] = []

    def filled_rows(self) -> list[ChoiceRow]:
        """The choice rows with anything in them, in order."""
        return [
            row.form
            for row in self.choices
            if row.form.text.data or row.form.feedback.data or row.form.correct.data
        ]

    def to_spec(self, key: str) -> QuestionSpec:
        """The question as the form describes it (status is not the form's business)."""
        return QuestionSpec(
            key=key,
            topic=self.topic.data or "",
            kind=self.kind.data or "",
            stem=self.stem.data or "",
            choices=tuple(
                ChoiceSpec(row.text.data or "", bool(row.correct.data), row.feedback.data or "")
                for row in self.filled_rows()
            ),
            source_excerpt=self.source_excerpt.data or "",
            explanation=self.explanation.data or "",
        )


def question_data(version: QuestionVersion, topic_key: str) -> dict[str, Any]:
    """The form's starting values from a stored version."""
    return {
        "base_version": str(version.number),
        "topic": topic_key,
        "kind": version.kind,
        "stem": version.stem,
        "explanation": version.explanation,
        "source_excerpt": version.source_excerpt,
        "choices": [
            {"text": c.text, "correct": c.is_correct, "feedback": c.feedback}
            for c in version.choices
        ],
    }


# --- Drafting a bank from a document, and reviewing its drafts (drafts.py) -------------------


class GenerateForm(FlaskForm):
    document = FileField(
        "Document (.txt or .md)",
        validators=[FileRequired("Choose the document to draft questions from.")],
    )
    slug = StringField(
        "Slug (optional)",
        validators=[
            Optional(),
            Length(max=80),
            Regexp(KEY_RE, message="Use lower-case letters, digits and dashes, like knee-surgery."),
        ],
        filters=[_strip],
    )
    title = StringField(
        "Title (optional)", validators=[Optional(), Length(max=200)], filters=[_strip]
    )
    seed = IntegerField(
        "Seed",
        default=0,
        validators=[Optional(), NumberRange(min=0, max=999_999, message="Use a whole number.")],
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Why reject it?",
        validators=[
            DataRequired("Write why you reject this draft: the reason is kept in its history."),
            Length(max=1000),
        ],
        filters=[_strip],
    )


class TopicForm(FlaskForm):
    topic = SelectField("Topic")

    def __init__(self, *args: Any, topics: Sequence[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topic.choices = [SelectChoice(t.key, t.title) for t in topics]
