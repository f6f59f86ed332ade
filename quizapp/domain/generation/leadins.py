"""Turning the lead-in of a bullet list ("Before this procedure is recommended, the doctor will
consider:") into the question the list answers ("... which of these will the doctor consider?")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.domain.generation import language

_MODAL = re.compile(
    r"^(?P<pre>[^,]{3,80},\s+)?(?P<subj>(?:the|your|a|an|this|my|our|you|we|they)\b[^,]{0,40}?|"
    r"you|we|they)\s+(?P<aux>will|can|may|might|should|must|could|would)\s+(?P<rest>[^,]{2,80})$",
    re.IGNORECASE,
)
_NEED = re.compile(
    r"^(?P<pre>[^,]{3,80},\s+)?(?P<subj>you|we|they)\s+(?P<aux>need|have)\s+to\s+(?P<rest>.{2,80})$",
    re.IGNORECASE,
)
_INCLUDE = re.compile(
    r"^(?P<subj>[^,]{3,60}?)\s+(?:(?:can|may|might|often|usually)\s+)?"
    r"(?:include|includes|are|do the following|does the following)$",
    re.IGNORECASE,
)
_THESE = re.compile(
    r"^(?P<verb>avoid|bring|buy|take|stop|use|pack|wear|eat|drink|have|skip|get)\s+these\s+"
    r"(?P<noun>[a-z][a-z ]{1,30})$",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"^(?P<when>[^,]{3,60}\b(?:before|after|during|until|the day|morning|evening|night)\b"
    r"[^,]{0,30}),",
    re.IGNORECASE,
)
_THE_FOLLOWING = re.compile(r"\s+(?:the following|these(?: things)?|this)$", re.IGNORECASE)


@dataclass(frozen=True)
class LeadIn:
    """What a list answers.

    ``which``: the multi-choice stem without "Select all that apply";
    ``heading``: the same question as a section heading ("what ..." instead of "which of these");
    ``members``: True when the items are examples of a group ("Which of these are side effects?"),
    False when they are what someone does or thinks about ("which of these will the doctor
    consider?").
    """

    which: str
    heading: str
    members: bool


def last_sentence(text: str) -> str:
    spans = list(language.sentences(text))
    return text[spans[-1][0] : spans[-1][1]] if spans else text


def _when(lead_in: str) -> str:
    """A time the lead-in paragraph sets for its list ("One day before the test, ...")."""
    spans = list(language.sentences(lead_in))
    for start, end in reversed(spans[:-1]):
        match = _WHEN.match(lead_in[start:end])
        if match:
            return match.group("when") + ", "
    return ""


def question(lead_in: str) -> LeadIn | None:
    """The question a list with this lead-in answers, or None when the lead-in is not understood."""
    sentence = language.clean(last_sentence(lead_in))
    if not sentence.endswith(":"):
        return None
    body = sentence[:-1].strip()
    when = _when(lead_in)
    match = _THESE.match(body)
    if match:
        noun, verb = match.group("noun").lower(), match.group("verb").lower()
        which = f"{when}which of these {noun} should you {verb}?"
        heading = f"{when}what {noun} should you {verb}?"
        return LeadIn(language.capitalize(which), language.capitalize(heading), members=False)
    for pattern in (_MODAL, _NEED):
        match = pattern.match(body)
        if match:
            pre = match.group("pre") or when
            subj = match.group("subj")
            aux = match.group("aux").lower()
            rest = _THE_FOLLOWING.sub("", match.group("rest")).strip()
            if rest.endswith(" to"):
                rest += " do"
            if pattern is _NEED:
                aux, rest = "do", f"{aux} to {rest}"
            if language.word_count(subj) > 4 or not rest or _has_verb(subj):
                return None
            subj_text = language.lower_first(subj)
            if pre:
                which = f"{pre}which of these {aux} {subj_text} {rest}?"
                heading = f"{pre}what {aux} {subj_text} {rest}?"
            else:
                which = f"Which of these {aux} {subj_text} {rest}?"
                heading = f"What {aux} {subj_text} {rest}?"
            return LeadIn(which, heading, members=False)
    match = _INCLUDE.match(body)
    if (
        match
        and not _has_verb(match.group("subj"))
        and language.word_count(match.group("subj")) <= 6
    ):
        group = language.lower_first(match.group("subj"))
        return LeadIn(f"Which of these are {group}?", f"What are {group}?", members=True)
    return None


def _has_verb(text: str) -> bool:
    tokens = text.split()
    return any(
        language.looks_like_verb(t, tokens[i + 1] if i + 1 < len(tokens) else None)
        for i, t in enumerate(tokens)
    )
