"""Moodle's GIFT format: ``to_gift`` writes a bank Moodle can import, ``parse_gift`` reads it back.

GIFT has no place for what quizapp keeps beside the questions (the bank's slug and document, the
topics' titles and sections, each question's status and source excerpt), so those travel in
``// quizapp-...`` comment lines, which Moodle ignores. Each topic becomes a Moodle category.

The reading side follows Moodle's own importer (question/format/gift/format.php): blank lines
separate questions, ``\\`` escapes ``~ = # { } :`` and itself, ``\\n`` is a line break, the last
``####`` starts the general feedback, and true/false feedback is ``{T#if-wrong#if-right}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from quizapp.domain.bankfile import (
    KEY_RE,
    STATUSES,
    BankSpec,
    ChoiceSpec,
    Problem,
    QuestionSpec,
    TopicSpec,
)
from quizapp.domain.kinds import TRUE_FALSE_TEXTS

SPECIAL = "\\~=#{}:"
#: Escaped characters are swapped for private-use placeholders while a question is taken apart.
_ESCAPABLE = "\\~=#{}:n"
_PLACEHOLDER = 0xE000
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_META_RE = re.compile(r"^//\s*quizapp-([a-z-]+)\s*:(.*)$")
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
HEADER_KEYS = ("bank", "title", "document", "topic")
QUESTION_KEYS = ("status", "source")
KINDS_HINT = (
    "quizapp reads single choice {=right ~wrong}, true/false {T} or {F}, "
    "and select-all {~%50%right ~%50%right ~%-100%wrong}"
)


def escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped and line breaks written as ``\\n``."""
    out = []
    for char in text:
        if char in SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def weight(count: int) -> str:
    """The percentage of each of ``count`` right answers: they add up to 100."""
    return f"{100 / max(count, 1):.5f}".rstrip("0").rstrip(".")


def _meta(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def _unmeta(value: str) -> str:
    return re.sub(r"\\([\\n])", lambda m: "\n" if m.group(1) == "n" else "\\", value)


def to_gift(spec: BankSpec) -> str:
    """The bank in GIFT: a ``$CATEGORY`` per topic, every question with its status (the spec is
    expected to pass lint: a true/false question's choices are ``True`` then ``False``)."""
    lines = [
        "// A quizapp question bank in Moodle's GIFT format.",
        "// Moodle ignores the quizapp- lines; `flask --app wsgi bank import` needs them.",
        f"// quizapp-bank: {spec.slug}",
        f"// quizapp-title: {_meta(spec.title)}",
        f"// quizapp-document: {_meta(spec.document)}",
    ]
    lines += [
        f"// quizapp-topic: {t.key} | {_meta(t.title)} | {t.section or ''}".rstrip()
        for t in spec.topics
    ]
    topic = None
    for question in spec.questions:
        if question.topic != topic:
            topic = question.topic
            lines += ["", f"$CATEGORY: {spec.slug}/{topic}"]
        lines += [
            "",
            f"// quizapp-status: {question.status}",
            f"// quizapp-source: {_meta(question.source_excerpt)}",
            *_question_lines(question),
        ]
    return "\n".join(lines) + "\n"


def _question_lines(q: QuestionSpec) -> list[str]:
    head = f"::{escape(q.key)}::{escape(q.stem)} "
    general = f"####{escape(q.explanation)}" if q.explanation else ""
    if q.kind == "truefalse":
        true, false = q.choices[0], q.choices[1]
        right, wrong = (true, false) if true.correct else (false, true)
        answer = "T" if true.correct else "F"
        if wrong.feedback or right.feedback:
            answer += "#" + escape(wrong.feedback)
        if right.feedback:
            answer += "#" + escape(right.feedback)
        return [head + "{" + answer + general + "}"]
    lines = [head + "{"]
    right_count = sum(c.correct for c in q.choices)
    for choice in q.choices:
        if q.kind == "multi":
            mark = f"~%{weight(right_count)}%" if choice.correct else "~%-100%"
        else:
            # A leading % would read as a weight: an explicit 0% keeps it text.
            mark = "=" if choice.correct else ("~%0%" if choice.text.startswith("%") else "~")
        feedback = f"#{escape(choice.feedback)}" if choice.feedback else ""
        lines.append(f"\t{mark}{escape(choice.text)}{feedback}")
    if general:
        lines.append("\t" + general)
    return [*lines, "}"]


# --------------------------------------------------------------------------- reading


@dataclass
class _Block:
    """Lines between blank lines: Moodle's unit of one question (or one category)."""

    comments: list[tuple[int, str]] = field(default_factory=list)
    content: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Reader:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, key: str, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, key, field_name, message))


def _blocks(text: str) -> list[_Block]:
    blocks, current = [], _Block()
    for number, raw in enumerate(text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n"), 1):
        line = raw.strip()
        if not line:
            if current.comments or current.content:
                blocks.append(current)
            current = _Block()
        elif line.startswith("//"):
            current.comments.append((number, line))
        else:
            current.content.append((number, line))
    if current.comments or current.content:
        blocks.append(current)
    return blocks


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: chr(_PLACEHOLDER + _ESCAPABLE.index(m.group(1))), text)


def _restore(text: str) -> str:
    for n, char in enumerate(_ESCAPABLE):
        text = text.replace(chr(_PLACEHOLDER + n), "\n" if char == "n" else char)
    return text.strip()


def _metadata(block: _Block, out: _Reader) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for number, line in block.comments:
        match = _META_RE.match(line)
        if match is None:
            continue
        name, value = match.group(1), _unmeta(match.group(2).strip())
        if name not in HEADER_KEYS + QUESTION_KEYS:
            known = ", ".join(HEADER_KEYS + QUESTION_KEYS)
            out.error(f"line {number}", "comment", f"unknown line quizapp-{name} (known: {known})")
            continue
        found.setdefault(name, []).append((number, value))
    return found


def parse_gift(
    text: str, file_label: str, read_document: Callable[[str], str | None]
) -> tuple[BankSpec | None, list[Problem]]:
    """Parse a GIFT bank written by ``to_gift``: same contract as ``bankfile.parse_bank``."""
    out = _Reader(file_label)
    if "quizapp-" not in text:
        out.error(
            "-",
            "file",
            "has no quizapp- lines: quizapp reads GIFT files it wrote itself "
            "(they start with `// quizapp-bank: <slug>`); export the bank as GIFT to see one",
        )
        return None, out.problems
    header: dict[str, list[tuple[int, str]]] = {}
    questions: list[QuestionSpec] = []
    topic: str | None = None
    for block in _blocks(text):
        meta = _metadata(block, out)
        for name in HEADER_KEYS:
            header.setdefault(name, []).extend(meta.get(name, []))
        first = block.content[0][1] if block.content else ""
        if first.startswith("$CATEGORY:"):
            topic = _category(block, out)
        elif block.content:
            question = _question(block, meta, topic, out)
            if question is not None:
                questions.append(question)
        if not block.content or (first.startswith("$CATEGORY:") and len(block.content) == 1):
            for name in QUESTION_KEYS:
                for number, _value in meta.get(name, []):
                    out.error(
                        f"line {number}",
                        name,
                        f"quizapp-{name} belongs directly above its question, "
                        "with no blank line between",
                    )
    slug = _single(header, "bank", "slug", "// quizapp-bank: <slug>", out)
    if slug and not KEY_RE.match(slug):
        out.error("-", "slug", "must be lower-case letters, digits and dashes")
    title = _single(header, "title", "title", "// quizapp-title: <bank title>", out)
    document = _single(
        header, "document", "document", "// quizapp-document: documents/<slug>.md", out
    )
    document_text = ""
    if document:
        found = read_document(document)
        if found is None:
            out.error("-", "document", f"file {document} not found or not readable as UTF-8 text")
        else:
            document_text = found
    topics = [_topic(number, value, out) for number, value in header["topic"]]
    if not topics:
        out.error(
            "-",
            "topics",
            "needs a line `// quizapp-topic: <key> | <title> | <section>` for each topic",
        )
    spec = BankSpec(slug, title, document, document_text, tuple(topics), tuple(questions))
    return spec, out.problems


def _single(
    header: dict[str, list[tuple[int, str]]], name: str, field_name: str, line: str, out: _Reader
) -> str:
    values = header[name]
    if not values:
        out.error("-", field_name, f"needs the line `{line}` at the top of the file")
        return ""
    if len(values) > 1:
        out.error(f"line {values[1][0]}", field_name, f"a second quizapp-{name} line; keep one")
    return values[0][1]


def _topic(number: int, value: str, out: _Reader) -> TopicSpec:
    parts = value.split("|", 1)
    if len(parts) < 2 or "|" not in parts[1]:
        out.error(
            f"line {number}", "topic", "write it as `// quizapp-topic: <key> | <title> | <section>`"
        )
        return TopicSpec(parts[0].strip(), "")
    key = parts[0].strip()
    title, section = (part.strip() for part in parts[1].rsplit("|", 1))
    if not KEY_RE.match(key):
        out.error(key or f"line {number}", "key", "must be lower-case letters, digits and dashes")
    if not title:
        out.error(key or f"line {number}", "title", "is empty")
    return TopicSpec(key, title, section or None)


def _category(block: _Block, out: _Reader) -> str | None:
    number, line = block.content[0]
    path = line.removeprefix("$CATEGORY:").strip().rstrip("/")
    if len(block.content) > 1:
        out.error(
            f"line {block.content[1][0]}",
            "category",
            "leave a blank line after the $CATEGORY line (Moodle reads the rest as the category)",
        )
    if not path:
        out.error(
            f"line {number}", "category", "names no category; write $CATEGORY: <slug>/<topic>"
        )
        return None
    return path.rsplit("/", 1)[-1]


def _question(
    block: _Block, meta: dict[str, list[tuple[int, str]]], topic: str | None, out: _Reader
) -> QuestionSpec | None:
    number = block.content[0][0]
    text = _protect("\n".join(line for _n, line in block.content))
    name_end = text.find("::", 2)
    if not text.startswith("::") or name_end == -1:
        out.error(
            f"line {number}", "key", "a question needs a name: start it with ::<question-key>::"
        )
        return None
    key = _restore(text[2:name_end])
    rest = text[name_end + 2 :]
    start, end = rest.find("{"), rest.find("}")
    if start == -1 and end == -1:
        out.error(key, "answers", "has no answers: put them in braces after the question")
        return None
    if start == -1 or end < start or "{" in rest[start + 1 :] or "}" in rest[end + 1 :]:
        out.error(
            key,
            "answers",
            "unbalanced braces: write the answers in one { } pair, "
            "and a brace that is part of the text as \\{ or \\}",
        )
        return None
    if rest[end + 1 :].strip():
        out.error(key, "answers", "text after the answers; the { } must end the question")
        return None
    answers = rest[start + 1 : end].strip()
    explanation = ""
    general = answers.rfind("####")
    if general != -1:
        answers, explanation = answers[:general].strip(), _restore(answers[general + 4 :])
    kind, choices = _answers(key, answers, out)
    if kind is None:
        return None
    status = _question_meta(key, meta, "status", "status", "draft|approved|retired", out)
    if status and status not in STATUSES:
        out.error(key, "status", f"must be one of {', '.join(STATUSES)}")
    source = _question_meta(
        key, meta, "source", "source_excerpt", "<the document's words that state the answer>", out
    )
    if topic is None:
        out.error(key, "topic", "no $CATEGORY line above it; add `$CATEGORY: <slug>/<topic-key>`")
    return QuestionSpec(
        key=key,
        topic=topic or "",
        kind=kind,
        stem=_restore(rest[:start]),
        choices=choices,
        source_excerpt=source,
        explanation=explanation,
        status=status or "draft",
    )


def _question_meta(
    key: str,
    meta: dict[str, list[tuple[int, str]]],
    name: str,
    field_name: str,
    example: str,
    out: _Reader,
) -> str:
    values = meta.get(name)
    if not values:
        out.error(key, field_name, f"needs the line `// quizapp-{name}: {example}` above it")
        return ""
    return values[-1][1]


def _answers(key: str, answers: str, out: _Reader) -> tuple[str | None, tuple[ChoiceSpec, ...]]:
    """The kind and choices of an answer block (placeholders still in), as Moodle tells types."""
    if not answers:
        other = "essay"
    elif answers.startswith("#"):
        other = "numerical"
    elif "~" in answers:
        return _multichoice(key, answers, out)
    elif "=" in answers and "->" in answers:
        other = "matching"
    elif answers.split("#", 1)[0].strip() in _TRUE_FALSE:
        return "truefalse", _true_false(answers)
    else:
        other = "short answer"
    out.error(key, "answers", f"{other} questions cannot be imported; {KINDS_HINT}")
    return None, ()


def _true_false(answers: str) -> tuple[ChoiceSpec, ...]:
    letter, *feedback = answers.split("#", 2)
    wrong, right = (feedback + ["", ""])[:2]
    value = _TRUE_FALSE[letter.strip()]
    on_true, on_false = (right, wrong) if value else (wrong, right)
    return (
        ChoiceSpec(TRUE_FALSE_TEXTS[0], value, _restore(on_true)),
        ChoiceSpec(TRUE_FALSE_TEXTS[1], not value, _restore(on_false)),
    )


def _multichoice(key: str, answers: str, out: _Reader) -> tuple[str | None, tuple[ChoiceSpec, ...]]:
    lead, *pieces = re.split(r"(?=[=~])", answers)
    if lead.strip():
        out.error(key, "answers", "every answer starts with = (right) or ~ (wrong)")
        return None, ()
    choices, weights, has_right_mark = [], [], False
    for n, piece in enumerate(pieces, 1):
        body = piece[1:]
        percent = _WEIGHT_RE.match(body) if piece[0] == "~" else None
        if percent:
            weights.append(float(percent.group(1)))
            body = body[percent.end() :]
        has_right_mark = has_right_mark or piece[0] == "="
        text, _hash, feedback = body.partition("#")
        if not _restore(text):
            out.error(key, f"choices[{n}]", "needs a text")
        right = piece[0] == "=" or bool(percent and float(percent.group(1)) > 0)
        choices.append(ChoiceSpec(_restore(text), right, _restore(feedback)))
    if has_right_mark and not any(weights):
        return "single", tuple(choices)
    if has_right_mark:
        out.error(
            key,
            "answers",
            "mixes = with % weights: use = and ~ for single choice, "
            "or ~%weight% on every answer for select-all",
        )
        return None, ()
    if not weights:
        return "single", tuple(choices)
    total = sum(w for w in weights if w > 0)
    if abs(total - 100) > 0.01:
        out.error(
            key,
            "answers",
            f"the weights of the right answers add up to {total:g}%; they must add up to 100%",
        )
    return "multi", tuple(choices)
